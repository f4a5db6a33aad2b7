// A TypeScript FakeDataAgent (docs/ocs-protocol.md §6, ocs/agents/fake_data/agent.py):
// ops acq, count, set_heartbeat, delay_task (registered in that order, so the
// heartbeat lists them so), the `false_temperatures` recorded feed, and the
// same replies and session data. All timing goes through the injected Clock.
import type { Clock } from '../../src/core/clock.ts';
import { OCSAgent } from '../../src/agent/agent.ts';
import type { OpSession } from '../../src/agent/op-session.ts';
import type { Feed } from '../../src/agent/feed.ts';
import type { WampSession } from '../../src/wamp/session.ts';

export interface FakeDataOptions {
  /** Default `observatory.fake-data1`. */
  address?: string;
  clock: Clock;
  hostname?: string;
  pid?: number;
  /** `acq` starts acq and count on the first join (`--mode acq`). */
  mode?: 'idle' | 'acq';
  numChannels?: number;
  /** Hz; default 9.5, clamped to at least 1e-6 as in Python. */
  sampleRate?: number;
  frameLength?: number;
  /** Anything but none/empty makes delay_task need level 2 (Python's test hook). */
  accessPolicy?: string | null;
  /** Uniform [0, 1) source for the fake temperatures; default Math.random. */
  random?: () => number;
  /** See OCSAgentOptions.heartbeatTimer. */
  heartbeatTimer?: boolean;
}

interface AcqParams {
  test_mode: boolean;
  degradation_period: number | null;
}

interface DelayParams {
  delay: number;
  succeed: boolean;
}

export class FakeDataAgent {
  readonly agent: OCSAgent;
  readonly channelNames: string[];
  readonly sampleRate: number;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #feed: Feed;
  /** Python's exclusive-job slot: 'acq' while acquiring, '!acq' when asked to stop. */
  #job: string | null = null;

  constructor(options: FakeDataOptions) {
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
    this.agent = new OCSAgent({
      address: options.address ?? 'observatory.fake-data1',
      agentClass: 'FakeDataAgent',
      clock: options.clock,
      hostname: options.hostname ?? 'localhost',
      pid: options.pid ?? 0,
      heartbeatTimer: options.heartbeatTimer,
    });
    const numChannels = options.numChannels ?? 2;
    this.channelNames = Array.from({ length: numChannels }, (_, i) => `channel_${String(i).padStart(2, '0')}`);
    this.sampleRate = Math.max(1e-6, options.sampleRate ?? 9.5);
    this.#feed = this.agent.registerFeed('false_temperatures', {
      record: true,
      aggParams: { frame_length: options.frameLength ?? 60 },
      bufferTime: 1.0,
    });
    const startup = options.mode === 'acq';
    const policy = options.accessPolicy ?? 'none';
    const a = this.agent;
    a.registerProcess('acq', (s, p: AcqParams) => this.#acq(s, p), (s) => this.#stopAcq(s), {
      blocking: true,
      startup,
      docstring: ACQ_DOC,
      params: [
        { key: 'test_mode', default: false, type: 'bool' },
        { key: 'degradation_period', default: null, type: 'float' },
      ],
    });
    a.registerProcess('count', (s) => this.#count(s), (s) => s.setStatus('stopping'), {
      blocking: false,
      startup,
    });
    a.registerTask('set_heartbeat', (_s, p: { heartbeat: boolean }) => this.#setHeartbeat(p), {
      docstring: SET_HEARTBEAT_DOC,
      params: [{ key: 'heartbeat', default: true, type: 'bool' }],
    });
    a.registerTask('delay_task', (s, p: DelayParams) => this.#delayTask(s, p), {
      blocking: false,
      aborter: (s) => {
        if (s.status === 'running') s.setStatus('stopping');
      },
      minPrivs: policy === 'none' || policy === '' ? 1 : 2,
      docstring: DELAY_TASK_DOC,
      params: [
        { key: 'delay', default: 5.0, type: 'float', check: (x: number) => x >= 0 },
        { key: 'succeed', default: true, type: 'bool' },
      ],
    });
  }

  join(session: WampSession): Promise<void> {
    return this.agent.join(session);
  }

  leave(): Promise<void> {
    return this.agent.leave();
  }

  async #acq(session: OpSession, params: AcqParams): Promise<unknown> {
    if (this.#job !== null) return [false, `Conflict: "${this.#job}" is already running.`];
    this.#job = 'acq';
    const clock = this.#clock;
    const rate = this.sampleRate;
    let temps = this.channelNames.map(() => 0.1);
    let nextTimestamp = clock.now();
    const reportingInterval = 1.0;
    let nextReport = nextTimestamp + reportingInterval;
    let nextDegFlip: number | null = params.degradation_period !== null ? 0 : null;
    for (;;) {
      if (this.#job === '!acq') break;
      if (this.#job !== 'acq') return 10; // Python returns a bare 10 here: a CRASH
      const now = clock.now();
      if (nextDegFlip !== null && now > nextDegFlip) {
        session.degraded = !session.degraded;
        nextDegFlip = now + (params.degradation_period ?? 0);
      }
      const delay = nextReport - now;
      if (delay > 0) {
        await session.sleep(Math.min(delay, 1));
        continue;
      }
      if (delay / reportingInterval < -3) {
        // Got way behind: drop the missed data and resync.
        nextTimestamp = now;
        nextReport = nextTimestamp + reportingInterval;
        continue;
      }
      const n = Math.trunc((nextReport - nextTimestamp) * rate);
      nextReport += reportingInterval;
      if (n <= 0) {
        await session.sleep(0.1);
        continue;
      }
      const timestamps = Array.from({ length: n }, (_, i) => nextTimestamp + i / rate);
      temps = temps.map((t) => t + this.#uniform() * 0.003);
      const data: Record<string, number[]> = {};
      this.channelNames.forEach((name, j) => {
        data[name] = timestamps.map(() => temps[j]! + this.#uniform() * 0.002);
      });
      nextTimestamp += n / rate;
      this.#feed.publish({ block_name: 'temps', data, timestamps });
      const fields: Record<string, number> = {};
      for (const name of this.channelNames) fields[name] = data[name]!.at(-1)!;
      Object.assign(session.data, { fields, timestamp: timestamps.at(-1) });
      if (params.test_mode) break;
    }
    this.#feed.flush();
    this.#job = null;
    return [true, 'Acquisition exited cleanly.'];
  }

  #stopAcq(session: OpSession): [boolean, string] {
    if (this.#job !== 'acq') return [false, 'Failed to request process stop.'];
    session.setStatus('stopping');
    this.#job = '!acq';
    return [true, 'Requested process stop.'];
  }

  async #count(session: OpSession): Promise<unknown> {
    const data = { counter: 0, last_update: this.#clock.now() };
    session.data = data;
    while (session.status === 'running') {
      await session.sleep(1);
      data.last_update = this.#clock.now();
      data.counter += 1;
    }
    return [true, 'Exited on request.'];
  }

  #setHeartbeat(params: { heartbeat: boolean }): [boolean, string] {
    this.agent.heartbeatOn = params.heartbeat;
    return [true, `Set heartbeat_on: ${params.heartbeat ? 'True' : 'False'}`];
  }

  async #delayTask(session: OpSession, params: DelayParams): Promise<unknown> {
    const delay = params.delay;
    const succeed = params.succeed === true;
    if (session.credLevel === 2 && delay === 3.33) {
      return [false, 'Actually you need access level 3+ to delay for 3.33 seconds.'];
    }
    const data = { requested_delay: delay, delay_so_far: 0 };
    session.data = data;
    const t0 = this.#clock.now();
    while (session.status === 'running') {
      data.delay_so_far = this.#clock.now() - t0;
      const sleepTime = Math.min(0.5, delay - data.delay_so_far);
      // Python breaks on < 0 and lets real time move past a zero sleep; an
      // injected clock may not move, so a zero sleep ends the wait here.
      if (sleepTime <= 0) break;
      await session.sleep(sleepTime);
    }
    const soFar = data.delay_so_far.toFixed(1);
    if (session.status !== 'running') return [false, `Aborted after ${soFar} seconds`];
    return [succeed, `Exited after ${soFar} seconds`];
  }

  /** numpy.random.uniform(-1, 1). */
  #uniform(): number {
    return this.#random() * 2 - 1;
  }
}

const ACQ_DOC = 'acq(test_mode=False, degradation_period=None)\n' +
  '\n' +
  '        **Process** - Acquire data and write to the feed.\n' +
  '\n' +
  '        Parameters:\n' +
  '            test_mode (bool, optional): Run the acq Process loop only once.\n' +
  '                This is meant only for testing. Default is False.\n' +
  '            degradation_period (float, optional): If set, then\n' +
  '              alternately mark self as degraded / not degraded with\n' +
  '              this period (in seconds).\n' +
  '\n' +
  '        Notes:\n' +
  '            The most recent fake values are stored in the session data object in\n' +
  '            the format::\n' +
  '\n' +
  "                >>> response.session['data']\n" +
  '                {"fields":\n' +
  '                    {"channel_00": 0.10250430068515494,\n' +
  '                     "channel_01": 0.08550903376216404,\n' +
  '                     "channel_02": 0.10481891991693446,\n' +
  '                     "channel_03": 0.10793263271024509},\n' +
  '                 "timestamp":1600448753.9288929}\n' +
  '\n' +
  "            The channels kept in fields are the 'faked' data, in a similar\n" +
  "            structure to the Lakeshore agents. 'timestamp' is the last time\n" +
  '            these values were updated.\n' +
  '\n' +
  '        ';

const SET_HEARTBEAT_DOC = 'set_heartbeat(heartbeat=True)\n' +
  '\n' +
  '        **Task** -  Set the state of the agent heartbeat.\n' +
  '\n' +
  '        Args:\n' +
  '            heartbeat (bool, optional): True for on (the default), False for off\n' +
  '\n' +
  '        ';

const DELAY_TASK_DOC = 'delay_task(delay=5, succeed=True)\n' +
  '\n' +
  '        **Task** (abortable) - Sleep (delay) for the requested number of\n' +
  '        seconds.\n' +
  '\n' +
  '        This can run simultaneously with the acq Process.  This Task\n' +
  '        should run in the reactor thread.\n' +
  '\n' +
  '        Args:\n' +
  '            delay (float, optional): Time to wait before returning, in seconds.\n' +
  '                Defaults to 5.\n' +
  '            succeed (bool, optional): Whether to return success or not.\n' +
  '                Defaults to True.\n' +
  '\n' +
  '        Notes:\n' +
  '            The session data will be updated with the requested delay as\n' +
  '            well as the time elapsed so far, for example::\n' +
  '\n' +
  "                >>> response.session['data']\n" +
  "                {'requested_delay': 5.,\n" +
  "                 'delay_so_far': 1.2}\n" +
  '\n' +
  '        ';
