// The swarm's own instruments: CPU and memory of this process, and the open
// files limit. Any of them may fail under load (Bun's process.memoryUsage()
// throws "Failed to get memory usage" once the process runs out of file
// descriptors), so every reading is a value or null ("unavailable"), and a
// failed reading never costs the run.
import { readFileSync } from 'node:fs';
import process from 'node:process';

export interface ProcessReadings {
  /** Share of one core used since start(), or null if unavailable. */
  cpuShare: number | null;
  rssBytes: number | null;
  /** Why a reading is missing, one line each. */
  unavailable: string[];
}

export interface ProcessApi {
  cpuUsage(previous?: { user: number; system: number }): { user: number; system: number };
  memoryUsage(): { rss: number };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** CPU used between start() and read(), and RSS at read(); each null when the runtime cannot say. */
export class ProcessMeter {
  readonly #api: ProcessApi;
  readonly #hrNow: () => number;
  #cpu0: { user: number; system: number } | null = null;
  #startError: string | null = null;
  #wall0 = 0;

  constructor(api: ProcessApi = process, hrNow: () => number = () => performance.now()) {
    this.#api = api;
    this.#hrNow = hrNow;
  }

  start(): void {
    this.#wall0 = this.#hrNow();
    try {
      this.#cpu0 = this.#api.cpuUsage();
      this.#startError = null;
    } catch (error) {
      this.#cpu0 = null;
      this.#startError = message(error);
    }
  }

  read(): ProcessReadings {
    const unavailable: string[] = [];
    let cpuShare: number | null = null;
    const wallMs = this.#hrNow() - this.#wall0;
    if (this.#cpu0 === null) {
      unavailable.push(`CPU: ${this.#startError ?? 'not started'}`);
    } else {
      try {
        const cpu = this.#api.cpuUsage(this.#cpu0);
        cpuShare = wallMs > 0 ? (cpu.user + cpu.system) / 1000 / wallMs : null;
      } catch (error) {
        unavailable.push(`CPU: ${message(error)}`);
      }
    }
    let rssBytes: number | null = null;
    try {
      rssBytes = this.#api.memoryUsage().rss;
    } catch (error) {
      unavailable.push(`memory: ${message(error)}`);
    }
    return { cpuShare, rssBytes, unavailable };
  }
}

/** The soft limit on open files from /proc/self/limits (Linux), or null where it cannot be read. */
export function openFilesLimit(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): number | null {
  try {
    const line = read('/proc/self/limits').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === undefined || soft === 'unlimited') return null;
    const n = Number(soft);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * A warning when `connections` WebSockets will not fit under this process's
 * open-files limit (each is a file descriptor), or null when they fit.
 */
export function fileLimitWarning(connections: number, limit: number | null): string | null {
  // Room for the runtime's own descriptors (stdio, event loop, /proc reads).
  const spare = 64;
  if (limit === null || connections + spare <= limit) return null;
  return `${connections} connections need about ${connections + spare} file descriptors, but this process may open ${limit}` +
    ` (ulimit -n): run several swarms with different --name patterns, at most ${limit - spare} agents each.`;
}
