// `ocs-sim proxy`: one proxy process, started by `ocs-sim router --proxies N`
// (not meant to be run by hand). It says "listening on port P" once it serves,
// exits 0 on SIGINT/SIGTERM or when the router shuts down, and 1 when its
// link to the router drops otherwise (the router process died).

import { UsageError } from '../../src/config/errors.ts';
import { parseFlags } from '../cli/flags.ts';
import type { CommandIo } from '../cli/router-command.ts';
import { startProxy } from './proxy.ts';

const PROXY_FLAGS = {
  link: { type: 'string' },
  backend: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  paths: { type: 'string' },
  'max-message-bytes': { type: 'string' },
  'max-send-buffer-bytes': { type: 'string' },
} as const;

export const PROXY_READY = 'ocs-sim proxy: listening on port ';

export async function proxyCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(argv, PROXY_FLAGS, 'ocs-sim proxy');
  const need = (flag: string) => {
    const value = flags.get(flag);
    if (typeof value !== 'string') throw new UsageError(`${flag} is required (ocs-sim proxy is started by ocs-sim router --proxies N)`);
    return value;
  };
  const count = (flag: string) => {
    const value = flags.get(flag);
    if (typeof value !== 'string') return undefined;
    if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
    return Number(value);
  };
  let lost: (reason: string) => void = () => {};
  let shutdown: (why: string) => void = () => {};
  const linkLost = new Promise<string>((resolve) => (lost = resolve));
  const proxy = await startProxy({
    linkUrl: need('--link'),
    backendUrl: need('--backend'),
    hosts: typeof flags.get('--host') === 'string' ? (flags.get('--host') as string).split(',') : ['127.0.0.1'],
    port: count('--port') ?? 0,
    paths: need('--paths').split(','),
    maxMessageBytes: count('--max-message-bytes'),
    maxSendBufferBytes: count('--max-send-buffer-bytes'),
    onLinkLost: (reason) => lost(reason),
    onRouterShutdown: () => shutdown('router shutdown'),
    log: io.err,
  });
  io.out(`${PROXY_READY}${proxy.port}`);
  const signal = new Promise<string>((resolve) => {
    shutdown = resolve;
    io.onShutdown(resolve);
  });
  const outcome = await Promise.race([signal.then((s) => ({ signal: s })), linkLost.then((reason) => ({ reason }))]);
  await proxy.close();
  const { socketErrors, backpressureCloses } = proxy.stats;
  if (socketErrors + backpressureCloses > 0) {
    io.err(`ocs-sim proxy: ${socketErrors} connection(s) closed for breaking the rules, ${backpressureCloses} for not reading`);
  }
  if ('reason' in outcome) {
    io.err(`ocs-sim proxy: the router is gone (${outcome.reason}); ${proxy.stats.connectionsOpened} connection(s) served`);
    return 1;
  }
  return 0;
}
