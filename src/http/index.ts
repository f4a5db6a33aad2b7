// The HTTP side of the registry: API, live events, metrics and the page.
export { createHttpApp, type HttpApp, type HttpAppExtras, type HttpDeps, type RegistrySource } from './app.ts';
export { type AgentView, type HeartbeatStats } from './agent-view.ts';
export { EVENT_TYPES, type EventType } from './transitions.ts';
