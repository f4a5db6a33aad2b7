// Sends gathered per connection and written once per turn of the event
// loop: a router delivering ten thousand heartbeats a second to one registry
// otherwise makes ten thousand write calls. Each connection with something
// queued is flushed once, after the current batch of incoming messages (one
// timer for all of them); a runtime that can cork (Bun) then writes all of a
// connection's frames with one system call.

export interface Flushable {
  flush(): void;
}

const schedule: (run: () => void) => void = (globalThis as { setImmediate?: (run: () => void) => unknown }).setImmediate ??
  ((run) => void setTimeout(run, 0));

let dirty: Flushable[] = [];
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  const items = dirty;
  dirty = [];
  for (const item of items) item.flush();
}

/** Call `item.flush()` once the current batch of events has been handled. */
export function flushSoon(item: Flushable): void {
  dirty.push(item);
  if (scheduled) return;
  scheduled = true;
  schedule(flushAll);
}
