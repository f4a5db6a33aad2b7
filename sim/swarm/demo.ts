// A small lively OCS network for the demo (`npm start`): FakeDataAgents on
// the in-process router, some of which crash, come back as a new process,
// degrade, or run tasks. The full scenario-driven swarm is sim/swarm's job
// for load tests; this is what a newcomer watches.

import type { Clock } from '../../src/core/clock.ts';
import type { WampSession } from '../../src/wamp/session.ts';
import { FakeDataAgent } from '../agents/fake-data.ts';

export interface DemoOptions {
  agents: number;
  clock: Clock;
  connect: () => Promise<WampSession>;
  /** Uniform [0, 1): a seeded source makes a run repeatable. */
  random?: () => number;
  /** Seconds between scenario steps. */
  stepSeconds?: number;
}

interface Member {
  id: string;
  fake: FakeDataAgent;
  session: WampSession;
  /** Clock time at which a crashed agent comes back, or null while it runs. */
  backAt: number | null;
}

export class DemoNetwork {
  readonly #options: DemoOptions;
  readonly #random: () => number;
  readonly #members: Member[] = [];
  #cancel: (() => void) | null = null;
  crashes = 0;
  restarts = 0;

  constructor(options: DemoOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.#options.agents; i++) {
      const id = `fake-data${i + 1}`;
      const { fake, session } = await this.#launch(id, i % 3 === 0);
      this.#members.push({ id, fake, session, backAt: null });
    }
    const stepMs = (this.#options.stepSeconds ?? 1) * 1000;
    const step = () => {
      this.#step().catch(() => {});
      this.#cancel = this.#options.clock.after(stepMs, step);
    };
    this.#cancel = this.#options.clock.after(stepMs, step);
  }

  stop(): void {
    this.#cancel?.();
    for (const m of this.#members) {
      m.fake.agent.stopAllSessions();
      m.session.leave().catch(() => {});
    }
  }

  async #launch(id: string, acquiring: boolean): Promise<{ fake: FakeDataAgent; session: WampSession }> {
    const fake = new FakeDataAgent({ address: `observatory.${id}`, clock: this.#options.clock, mode: acquiring ? 'acq' : 'idle', random: this.#random });
    const session = await this.#options.connect();
    await fake.agent.join(session);
    return { fake, session };
  }

  /** One scenario step: a few agents crash, come back, degrade or run a task. */
  async #step(): Promise<void> {
    const now = this.#options.clock.now();
    const n = this.#members.length;
    for (const m of this.#members) {
      if (m.backAt !== null && now >= m.backAt) {
        // A restarted process: a new FakeDataAgent (new feed session_id) at the same address.
        const { fake, session } = await this.#launch(m.id, this.#random() < 0.3);
        Object.assign(m, { fake, session, backAt: null });
        this.restarts++;
      }
    }
    const pick = () => this.#members[Math.floor(this.#random() * n)] as Member;
    if (n > 0 && this.#random() < 0.3) {
      const m = pick();
      if (m.backAt === null) {
        // A crash: silent, no goodbye; back in 10-30 s.
        m.fake.agent.heartbeatOn = false;
        m.fake.agent.stopAllSessions();
        await m.session.leave().catch(() => {});
        m.backAt = now + 10 + this.#random() * 20;
        this.crashes++;
      }
    }
    if (n > 0 && this.#random() < 0.5) {
      const m = pick();
      if (m.backAt === null) m.fake.agent.start('delay_task', { delay: 2 + this.#random() * 8, succeed: this.#random() < 0.8 });
    }
    if (n > 0 && this.#random() < 0.2) {
      const m = pick();
      if (m.backAt === null) m.fake.agent.start('acq', { degradation_period: 5 });
    }
  }
}
