// An OCS agent on the wire (Python OCSAgent): the `{addr}.ops` and `{addr}`
// procedures, operations and their sessions, feeds and the heartbeat. Used by
// the Registry Agent and by the simulator's fake agents, so it stays cheap:
// no timer or Promise per heartbeat beyond the one loop timer.
import type { Clock } from '../core/clock.ts';
import { type Endpoint, type InvokePolicy, type Registration, WampError, WampErrors, type WampSession } from '../wamp/session.ts';
import { type AccessControlAdvert, policyNoneAdvert } from './cred-level.ts';
import { AgentJoinError } from './errors.ts';
import { Feed, type FeedOptions } from './feed.ts';
import { HeartbeatLoop } from './heartbeat.ts';
import { type AgentDescription, handleManagement } from './management.ts';
import type { PurgePolicy } from './op-session.ts';
import { type OpBody, Operation, type OpStopper, type ProcessOptions, type TaskOptions } from './operation.ts';
import { OperationTable, type OpsReply } from './operation-table.ts';
import { handleOps } from './ops-endpoint.ts';
import { pyFloatRepr } from './py-repr.ts';

export interface OCSAgentOptions {
  /** `{address_root}.{instance_id}`, e.g. `observatory.registry`. */
  address: string;
  /** e.g. `RegistryAgent`; null like old agents that have none. */
  agentClass: string | null;
  clock: Clock;
  /** Reported as instance_hostname (the caller reads it from its runtime). */
  hostname: string;
  /** Reported as instance_pid. */
  pid: number;
  /**
   * true (default): the agent runs its own 1 s heartbeat timer while joined.
   * false: the caller calls `heartbeat()` itself (a swarm with one shared timer).
   */
  heartbeatTimer?: boolean;
  /** Q16 fix, off by default (see OperationTableOptions). */
  keepFinishedSessionOnRejectedStart?: boolean;
  purgePolicy?: Partial<PurgePolicy>;
  /** Log lines (session messages, stopper results, startup rejections). */
  log?: (line: string) => void;
}

export class OCSAgent implements AgentDescription {
  readonly address: string;
  readonly agentClass: string | null;
  readonly clock: Clock;
  readonly hostname: string;
  readonly pid: number;
  /** Agent start time as Python `str(time.time())`: every feed's `session_id`. */
  readonly sessionId: string;
  readonly accessControl: AccessControlAdvert;
  readonly operations: OperationTable;
  /** Python `_heartbeat_on`: when false no heartbeat is published, RPCs still work. */
  heartbeatOn = true;

  /** The `{addr}.ops` procedure. Throws only WampError; returns a triple or a Promise of one. */
  readonly opsEndpoint: Endpoint;
  /** The `{addr}` procedure. Throws only WampError. */
  readonly managementEndpoint: Endpoint;

  readonly #feeds = new Map<string, Feed>();
  readonly #loop: HeartbeatLoop;
  readonly #ownTimer: boolean;
  readonly #log: (line: string) => void;
  readonly #publisher = { publish: (topic: string, args: unknown[]) => this.#publish(topic, args) };
  #heartbeatFeed: Feed | null = null;
  #wamp: WampSession | null = null;
  #registrations: Registration[] = [];
  #firstJoin = true;

  constructor(options: OCSAgentOptions) {
    this.address = options.address;
    this.agentClass = options.agentClass;
    this.clock = options.clock;
    this.hostname = options.hostname;
    this.pid = options.pid;
    const now = this.clock.now();
    this.sessionId = pyFloatRepr(now);
    this.accessControl = policyNoneAdvert(now);
    this.#log = options.log ?? (() => {});
    this.operations = new OperationTable({
      clock: this.clock,
      keepFinishedSessionOnRejectedStart: options.keepFinishedSessionOnRejectedStart,
      purgePolicy: options.purgePolicy,
      log: options.log,
    });
    this.#ownTimer = options.heartbeatTimer ?? true;
    this.#loop = new HeartbeatLoop(this.clock, () => this.heartbeat());
    this.opsEndpoint = (args, kwargs) => guard(() => handleOps(this.operations, args, kwargs));
    this.managementEndpoint = (args, kwargs) => guard(() => handleManagement(this, args, kwargs));
  }

  /** Python `register_task(name, func, aborter=None, blocking=True, ...)`. */
  registerTask(name: string, body: OpBody, options: TaskOptions = {}): Operation {
    const op = new Operation(name, 'task', body, options.aborter ?? null, options);
    this.operations.add(op);
    return op;
  }

  /** Python `register_process(name, start, stop, blocking=True, ...)`. */
  registerProcess(name: string, start: OpBody, stop: OpStopper, options: ProcessOptions = {}): Operation {
    const op = new Operation(name, 'process', start, stop, options);
    this.operations.add(op);
    return op;
  }

  /** Python `register_feed(name, record=False, agg_params={}, buffer_time=0)`. */
  registerFeed(name: string, options: FeedOptions = {}): Feed {
    if (this.#feeds.has(name)) throw new Error(`A feed called "${name}" is already registered`);
    const identity = { agentAddress: this.address, sessionId: this.sessionId, agentClass: this.agentClass };
    const feed = new Feed(this.#publisher, this.clock, identity, name, options);
    this.#feeds.set(name, feed);
    return feed;
  }

  feed(name: string): Feed | undefined {
    return this.#feeds.get(name);
  }

  /** Feeds in registration order (heartbeat joins at the first join). */
  feeds(): IterableIterator<Feed> {
    return this.#feeds.values();
  }

  /** Python `publish_to_feed`: an unknown feed is logged and ignored. */
  publishToFeed(name: string, message: unknown): void {
    const feed = this.#feeds.get(name);
    if (!feed) {
      this.#log(`Feed ${name} is not registered.`);
      return;
    }
    feed.publish(message);
  }

  get joined(): boolean {
    return this.#wamp !== null && this.#wamp.isOpen;
  }

  /**
   * Register `{addr}.ops`, then `{addr}`, then start the heartbeat (first beat
   * now) and, on the first join only, the startup ops. Rejects with an
   * AgentJoinError when a procedure cannot be registered (e.g. the address is
   * taken: `wamp.error.procedure_already_exists`).
   */
  async join(session: WampSession, options: { invoke?: InvokePolicy } = {}): Promise<void> {
    if (this.#wamp !== null) this.#detach();
    const opsReg = await this.#register(session, `${this.address}.ops`, this.opsEndpoint, options.invoke);
    let managementReg: Registration;
    try {
      managementReg = await this.#register(session, this.address, this.managementEndpoint, options.invoke);
    } catch (err) {
      opsReg.unregister().catch(() => {});
      throw err;
    }
    this.#wamp = session;
    this.#registrations = [opsReg, managementReg];
    session.onClose(() => {
      if (this.#wamp === session) this.#detach();
    });
    if (!this.#heartbeatFeed) this.#heartbeatFeed = this.registerFeed('heartbeat');
    if (this.#ownTimer) this.#loop.start();
    this.startStartupOps();
  }

  /** Start the startup ops, once in the agent's life (a standby registry runs `main` before it joins as leader). */
  startStartupOps(): void {
    if (!this.#firstJoin) return;
    this.#firstJoin = false;
    this.#startStartupOps();
  }

  /** Stop the heartbeat and unregister the procedures. The caller owns (and closes) the WAMP session. */
  async leave(): Promise<void> {
    const session = this.#wamp;
    const registrations = this.#registrations;
    this.#detach();
    if (session?.isOpen) await Promise.allSettled(registrations.map((r) => r.unregister()));
  }

  /** Publish one heartbeat now: `{op_name: op_code}` over all ops, if heartbeatOn and joined. */
  heartbeat(): void {
    if (!this.heartbeatOn || this.#heartbeatFeed === null || this.#wamp === null) return;
    this.#heartbeatFeed.publish(this.operations.opCodes());
  }

  /** Shortcuts to the actions, as a client would call them over `{addr}.ops`. */
  start(name: string, params: unknown = {}): OpsReply {
    return this.operations.start(name, params);
  }

  /** Ask every live session to end (Python `_stop_all_running_sessions`, used on shutdown). */
  stopAllSessions(): void {
    this.operations.stopAll();
  }

  #startStartupOps(): void {
    for (const op of this.operations.all()) {
      if (op.startup === false) continue;
      const params = op.startup === true ? {} : op.startup;
      this.#log(`startup-op: launching ${op.name}`);
      const [status, message] = this.operations.start(op.name, params);
      if (status !== 0) this.#log(`startup-op ${op.name} was not started: ${message}`);
    }
  }

  async #register(session: WampSession, procedure: string, endpoint: Endpoint, invoke?: InvokePolicy): Promise<Registration> {
    try {
      return await session.register(procedure, endpoint, invoke ? { invoke } : undefined);
    } catch (err) {
      const uri = err instanceof WampError ? err.error : 'unknown';
      let hint = '';
      if (uri === WampErrors.procedureAlreadyExists) hint = ` Is this agent already running? agent_address="${this.address}"`;
      else if (uri === WampErrors.notAuthorized) hint = ' Are the WAMP realm and OCS address_root consistent in the site config and the router config?';
      const reason = err instanceof WampError ? err.error : String(err);
      throw new AgentJoinError(`Failed to register "${procedure}": ${reason}.${hint}`, uri, { cause: err });
    }
  }

  #detach(): void {
    this.#loop.stop();
    this.#wamp = null;
    this.#registrations = [];
  }

  #publish(topic: string, args: unknown[]): void {
    const session = this.#wamp;
    if (session === null || !session.isOpen) return; // Python logs TransportLost and drops
    try {
      session.publish(topic, args);
    } catch (err) {
      this.#log(`Could not publish to ${topic}: ${String(err)}`);
    }
  }
}

/** Endpoints fail only with WampError: any other throw is Python's runtime_error with `str(exc)`. */
function guard(fn: () => unknown): unknown {
  try {
    const result = fn();
    if (result instanceof Promise) return result.catch((err: unknown) => Promise.reject(toWampError(err)));
    return result;
  } catch (err) {
    throw toWampError(err);
  }
}

function toWampError(err: unknown): WampError {
  if (err instanceof WampError) return err;
  return new WampError(WampErrors.runtimeError, [err instanceof Error ? err.message : String(err)]);
}
