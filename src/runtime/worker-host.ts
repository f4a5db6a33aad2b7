// What the edge worker (src/worker.ts) needs from its runtime, from globals
// only: no `node:` module, so `deno serve` and `bun` run it as it is, and an
// edge platform without node: compatibility could too.

type Signal = 'SIGINT' | 'SIGTERM';
type Globals = {
  Deno?: {
    env: { toObject(): Record<string, string> };
    pid: number;
    hostname(): string;
    addSignalListener(signal: Signal, handler: () => void): void;
    exit(code: number): never;
  };
  process?: { env: Record<string, string | undefined>; pid: number; on(signal: Signal, handler: () => void): void; exit(code: number): never };
};
const g = globalThis as Globals;

export function workerEnvironment(): Record<string, string | undefined> {
  if (g.Deno) return g.Deno.env.toObject();
  return g.process?.env ?? {};
}

export function workerPid(): number {
  return g.Deno?.pid ?? g.process?.pid ?? 0;
}

/** Run `handler` on the first SIGINT or SIGTERM, then exit 0; a second signal exits at once. */
export function onWorkerSignal(handler: (signal: string) => Promise<void>): void {
  const exit = (code: number) => (g.Deno ? g.Deno.exit(code) : g.process?.exit(code));
  let seen = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const on = () => {
      if (seen) exit(130);
      seen = true;
      handler(signal).finally(() => exit(0));
    };
    if (g.Deno) g.Deno.addSignalListener(signal, on);
    else g.process?.on(signal, on);
  }
}

/** The host name, as the site config's host blocks are chosen by it. */
export function workerHostname(env: Readonly<Record<string, string | undefined>>): string {
  try {
    if (g.Deno) return g.Deno.hostname();
  } catch {
    // without --allow-sys
  }
  return env.HOSTNAME || 'localhost';
}
