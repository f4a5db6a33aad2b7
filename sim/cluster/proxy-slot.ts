// One proxy of `ocs-sim router --proxies N`, kept running: its process, and
// when that dies while the cluster serves, a new one on the same port after a
// back-off (doubling while it keeps dying young), so one crash does not
// shrink the port's capacity for good. Each death is logged once and counted.

import type { ChildProcess } from 'node:child_process';
import { PROXY_READY } from './proxy-command.ts';
import { type ProxyRuntime, spawnOcsSim } from './spawn.ts';

/** How a proxy is run and restarted. */
export interface ProxySlotOptions {
  /** Wait before the first restart (default 250 ms); doubled for each death in a row of a proxy that had not run STABLE_MS. */
  restartDelayMs?: number;
  /** The longest wait between restarts (default 30 s). */
  restartMaxDelayMs?: number;
  /** The runtime the proxies run on (default: this process's). */
  proxyRuntime?: ProxyRuntime;
}

/** A proxy that ran this long before it died starts its back-off afresh. */
export const STABLE_MS = 10_000;
const START_LIMIT_MS = 30_000;
const STOP_LIMIT_MS = 2_000;

/** How long to wait before restarting after `deathsInARow` deaths (1 for the first). */
export function restartDelay(deathsInARow: number, policy: ProxySlotOptions = {}): number {
  const first = policy.restartDelayMs ?? 250;
  const most = policy.restartMaxDelayMs ?? 30_000;
  return Math.min(most, first * 2 ** Math.min(30, Math.max(0, deathsInARow - 1)));
}

export interface ProxyProcess {
  /** Its place among the cluster's proxies (0 to N-1); a restart keeps it. */
  readonly index: number;
  /** The process now serving (or the last one, while a restart waits). */
  readonly pid: number;
  /** Null while it runs. */
  readonly exitCode: number | null;
  /** Times it was started again after dying. */
  readonly restarts: number;
}

export class ProxySlot implements ProxyProcess {
  readonly index: number;
  readonly #args: (port: number) => string[];
  #port = 0;
  readonly #policy: ProxySlotOptions;
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  #child: ChildProcess | undefined;
  #startedAt = 0;
  #restarts = 0;
  #deathsInARow = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  /** `args(port)`: the `ocs-sim proxy` arguments for that public port. */
  constructor(index: number, args: (port: number) => string[], log: (line: string) => void, policy: ProxySlotOptions = {}, now = () => performance.now()) {
    this.index = index;
    this.#args = args;
    this.#log = log;
    this.#policy = policy;
    this.#now = now;
  }

  get pid(): number {
    return this.#child?.pid ?? 0;
  }

  get exitCode(): number | null {
    const child = this.#child;
    if (!child) return null;
    return child.exitCode ?? (child.signalCode !== null ? 128 : null);
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** Start the first process on `port` (0: any); resolves with the port it serves once it says so. */
  async start(port: number): Promise<number> {
    this.#port = port;
    this.#port = await this.#spawn();
    return this.#port;
  }

  /** No more restarts (the cluster is closing); the process runs on until it exits or stop(). */
  retire(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** No more restarts; the process is asked to stop (SIGTERM, then SIGKILL after 2 s). */
  async stop(): Promise<void> {
    this.retire();
    if (this.#child) await stop(this.#child);
  }

  async #spawn(): Promise<number> {
    const child = spawnOcsSim(this.#args(this.#port), this.#policy.proxyRuntime);
    this.#child = child;
    const port = await ready(child, this.index, this.#log);
    this.#startedAt = this.#now();
    child.once('exit', (code, signal) => this.#died(child, signal ?? `code ${code}`, this.#now() - this.#startedAt < STABLE_MS));
    return port;
  }

  /** `young`: it had not served STABLE_MS (or never served), so the wait grows. */
  #died(child: ChildProcess, how: string, young: boolean): void {
    if (this.#stopped || child !== this.#child) return;
    this.#deathsInARow = young ? this.#deathsInARow + 1 : 1;
    const delay = restartDelay(this.#deathsInARow, this.#policy);
    this.#log(
      `ocs-sim router: proxy ${this.index} (pid ${child.pid}) exited (${how}); its connections are gone; starting it again in ${delay} ms` +
        (this.#deathsInARow > 1 ? ` (death ${this.#deathsInARow} in a row)` : ''),
    );
    this.#timer = setTimeout(() => this.#restart(), delay);
  }

  #restart(): void {
    if (this.#stopped) return;
    this.#restarts++;
    this.#spawn().then(
      (port) => this.#log(`ocs-sim router: proxy ${this.index} serves again (pid ${this.pid}, port ${port})`),
      (error: unknown) => {
        // It died before it served: that is a death too, with a longer wait.
        if (this.#child) this.#died(this.#child, (error as Error).message, true);
      },
    );
  }
}

/** Wait for the proxy's "listening" line; relay its stderr. Resolves with its port. */
function ready(child: ChildProcess, index: number, log: (line: string) => void): Promise<number> {
  let out = '';
  let err = '';
  let started = false;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    err += text;
    const lines = err.split('\n');
    err = lines.pop()!;
    for (const line of lines) if (line) log(`[proxy ${index}] ${line}`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Proxy ${index} did not start within ${START_LIMIT_MS / 1000} s.`));
      child.kill('SIGKILL');
    }, START_LIMIT_MS);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      if (started) return;
      out += text;
      const at = out.indexOf(PROXY_READY);
      if (at < 0 || !out.includes('\n', at)) return;
      clearTimeout(timer);
      started = true;
      resolve(Number(out.slice(at + PROXY_READY.length, out.indexOf('\n', at))));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Proxy ${index} exited (code ${code}) before it served${err ? `: ${err.trim()}` : ''}.`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_LIMIT_MS)));
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
