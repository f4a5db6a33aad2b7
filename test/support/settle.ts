// Let the in-process network run until it is quiet: in-memory transports
// deliver on microtasks, so a bounded number of microtask turns flushes every
// message and promise chain that is ready. No timers: time moves only through
// FakeClock.advance.

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
