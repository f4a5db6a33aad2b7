// The edge-worker shape: `export default { fetch }`, which `bun run` and
// `deno serve` pick up by themselves. The app needs a running registry, so
// the program that builds one mounts its app here first; until then the
// worker answers 503.

export interface FetchHandler {
  fetch(request: Request): Response | Promise<Response>;
}

let mounted: FetchHandler | null = null;

/** Serve `app` from this module's default export. */
export function mountWorker(app: FetchHandler): void {
  mounted = app;
}

/** A `{ fetch }` object for one app (for runtimes that take one per server). */
export function workerFor(app: FetchHandler): FetchHandler {
  return { fetch: (request) => app.fetch(request) };
}

const worker: FetchHandler = {
  fetch(request) {
    if (mounted !== null) return mounted.fetch(request);
    return Response.json({ error: 'The registry is starting' }, { status: 503 });
  },
};

export default worker;
