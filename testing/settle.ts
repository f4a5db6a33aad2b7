// Waiting on an in-process OCS network without sleeping. In-memory transports
// deliver on microtasks, so a bounded number of microtask turns flushes every
// message and promise chain that is ready; time moves only when a test moves
// a FakeClock.

/** Let the in-process network run until it is quiet (no timers, only microtask turns). */
export async function settle(turns = 200): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => queueMicrotask(resolve));
}

/** Move `clock` forward by `ms` in steps of `stepMs`, letting the network deliver after each step. */
export async function runFor(clock: { advance(ms: number): void }, ms: number, stepMs = 50): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    clock.advance(Math.min(stepMs, ms - done));
    await settle();
  }
}

export interface UntilOptions {
  /** Give up after this much clock time (default 10 000 ms). */
  timeoutMs?: number;
  /** Clock step between checks (default 50 ms). */
  stepMs?: number;
  /** Named in the error when time runs out. */
  what?: string;
}

/**
 * Move `clock` forward in steps until `condition` holds; returns the clock
 * time it took (ms). Throws once `timeoutMs` of clock time has passed.
 */
export async function until(
  clock: { advance(ms: number): void },
  condition: () => boolean | Promise<boolean>,
  options: UntilOptions = {},
): Promise<number> {
  const { timeoutMs = 10_000, stepMs = 50 } = options;
  await settle();
  let waited = 0;
  while (!(await condition())) {
    if (waited >= timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms of clock time waiting for ${options.what ?? 'the condition'}`);
    clock.advance(stepMs);
    waited += stepMs;
    await settle();
  }
  return waited;
}
