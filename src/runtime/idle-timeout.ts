/**
 * Seconds a quiet HTTP request or connection may last on Bun. Bun's default,
 * 10, ends an event stream between its keep-alive comments (every 15 s); a
 * minute still closes abandoned keep-alive connections. Used by serve() on
 * Bun and by the edge worker.
 */
export const BUN_IDLE_TIMEOUT_SECONDS = 60;
