// `npm run check:executables`: the single-file executables, the container and
// the systemd unit, smoke-tested as a site would run them.
//
// 1. `bun build --compile` of ocs-registry and ocs-sim (linux x64), then:
//    --help, --version, `ocs-registry --sim` serving the page and exiting 0 on
//    SIGTERM, `ocs-sim router` serving and exiting 0;
// 2. linux arm64: cross-compiled, run under qemu-user-static when it is
//    installed (Debian: qemu-user-static libc6-arm64-cross), else skipped;
// 3. the Dockerfile: no container engine is assumed, so its build stage's
//    COPY/RUN steps run in a temporary directory, and the image's ENTRYPOINT,
//    CMD and ENV run with the compose service's environment
//    (deploy/docker-compose.yml) and a /config-shaped directory, against
//    `ocs-sim router`: the registry must find its instance and join;
// 4. deploy/ocs-registry.service: `systemd-analyze verify` (when there is
//    one), and its ExecStart and Environment run the same way.
//
// Usage: npm run check:executables [-- --keep]

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { parse as parseYaml } from 'yaml';
import { check, failures, fetchText, run, serving, step } from './smoke.ts';

const ROOT = resolve(import.meta.dirname ?? '.', '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'ocs-registry-executables-'));
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}` };

function compile(target: string | null, program: string): string | null {
  const args = [join(ROOT, 'scripts', 'compile.ts'), '--outdir', join(work, 'bin'), '--program', program];
  if (target) args.push('--target', target);
  const built = run(process.execPath, args, { cwd: ROOT, env });
  const file = join(work, 'bin', `${program}${target ? `-${target.replace(/^bun-/, '')}` : ''}`);
  check(`compile ${program}${target ? ` for ${target}` : ''}`, built.status === 0 && existsSync(file), built.output);
  return existsSync(file) ? file : null;
}

/** The page and SIGTERM, for an executable run as `prefix... exe`. */
async function smoke(label: string, exe: string, prefix: string[] = []) {
  const [cmd, ...pre] = [...prefix, exe];
  const help = run(cmd!, [...pre, '--help'], { env });
  check(`${label}: --help`, help.status === 0 && /Usage: /.test(help.output), help.output);
  const ver = run(cmd!, [...pre, '--version'], { env });
  check(`${label}: --version`, ver.status === 0 && ver.output.trim().endsWith(version), ver.output);
}

async function registryServesPage(label: string, exe: string, prefix: string[] = []) {
  const [cmd, ...pre] = [...prefix, exe];
  await serving(
    `${label}: --sim serves the page, SIGTERM exits 0`,
    cmd!,
    [...pre, '--sim', '--site', 'none', '--sim-agents', '5', '--http-port', '0'],
    work,
    env,
    /Operation monitor: http:\/\/\S+\//,
    async (line) => /<html/i.test(await fetchText(`${/(http:\/\/\S+?)\/ /.exec(line)?.[1]}/`)),
  );
}

/** Start `ocs-sim router` on a free port; resolves with its ws URL and a stop function. */
async function startRouter(sim: string): Promise<{ ws: string; http: string; stop: () => Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(sim, ['router', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const ws = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`ocs-sim router did not start:\n${text}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const url = /websocket (ws:\/\/\S+)/.exec(text)?.[1];
      if (url) {
        clearTimeout(timer);
        done(url);
      }
    });
  });
  return {
    ws,
    http: ws.replace(/^ws/, 'http').replace(/\/ws$/, '/call'),
    stop: () =>
      new Promise<void>((done) => {
        child.on('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** A site config directory as OCS sites have it: default.yaml with a RegistryAgent instance on `host`. */
function siteConfigDir(name: string, host: string, hub: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'default.yaml'),
    [
      'hub:',
      `  wamp_server: ${hub}`,
      `  wamp_http: ${hub.replace(/^ws/, 'http').replace(/\/ws$/, '/call')}`,
      '  wamp_realm: test_realm',
      '  address_root: observatory',
      'hosts:',
      `  ${host}:`,
      "    'agent-instances':",
      "      - {'agent-class': 'FakeDataAgent', 'instance-id': 'fake-data1', 'arguments': []}",
      "      - {'agent-class': 'RegistryAgent', 'instance-id': 'registry', 'arguments': [['--wait-time', 10]]}",
      '',
    ].join('\n'),
  );
  return dir;
}

/** Run the executable as the image or unit would, and expect it to find instance "registry", join, serve and stop on SIGTERM. */
async function joinsAs(label: string, exe: string, args: string[], environment: Record<string, string>) {
  await serving(
    `${label}: finds instance "registry" in the site config, joins, serves the page, SIGTERM exits 0`,
    exe,
    // The image listens on 0.0.0.0:8787; here a free port on loopback (the last one given wins).
    [...args, '--http-port', '0', '--http-host', '127.0.0.1'],
    work,
    { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, ...environment },
    /Operation monitor: http:\/\/\S+\//,
    async (line) => /<html/i.test(await fetchText(`${/(http:\/\/\S+?)\/ /.exec(line)?.[1]}/`)),
  );
}

// --- 1. linux x64 -------------------------------------------------------------
step('single-file executables (bun build --compile), linux x64');
const registry = compile(null, 'ocs-registry');
const sim = compile(null, 'ocs-sim');
if (registry) {
  await smoke('ocs-registry', registry);
  await registryServesPage('ocs-registry', registry);
}
if (sim) {
  await smoke('ocs-sim', sim);
  await serving('ocs-sim router serves, SIGTERM exits 0', sim, ['router', '--port', '0'], work, env, /listening on http:\/\/\S+/, async (line) => {
    return (await fetchText(`${/(http:\/\/\S+)/.exec(line)?.[1]}/info`)).length > 0;
  });
}

// --- 2. linux arm64 under qemu ----------------------------------------------
step('linux arm64 (cross-compiled; run under qemu-user-static)');
const qemu = ['/usr/bin/qemu-aarch64-static', '/usr/bin/qemu-aarch64'].find((f) => existsSync(f));
const arm = compile('bun-linux-arm64', 'ocs-registry');
if (arm && qemu && existsSync('/usr/aarch64-linux-gnu')) {
  const prefix = [qemu, '-L', '/usr/aarch64-linux-gnu'];
  await smoke('ocs-registry linux-arm64 (qemu)', arm, prefix);
  await registryServesPage('ocs-registry linux-arm64 (qemu)', arm, prefix);
} else if (arm) {
  console.log('skip arm64 run: no qemu-aarch64-static and /usr/aarch64-linux-gnu (apt install qemu-user-static libc6-arm64-cross)');
}

// --- 3. the container -------------------------------------------------------
step('Dockerfile: the build stage run without docker, the image command with the compose environment');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const stages = dockerfile.split(/^FROM /m).slice(1);
const build = join(work, 'docker-build');
let image: string | null = null;
{
  let cwd = build;
  let ok = true;
  let log = '';
  const out = join(work, 'docker-out');
  mkdirSync(out, { recursive: true });
  for (const line of (stages[0] ?? '').split('\n').slice(1)) {
    const [instruction, ...rest] = line.trim().split(/\s+/);
    const text = rest.join(' ');
    if (instruction === 'WORKDIR') {
      cwd = join(build, text);
      mkdirSync(cwd, { recursive: true });
    } else if (instruction === 'COPY') {
      const [dest, ...sources] = [...rest].reverse();
      for (const source of sources) {
        cpSync(join(ROOT, source), join(cwd, source.endsWith('/') ? dest! : dest!.endsWith('/') ? `${dest}${source}` : dest!), { recursive: true });
      }
    } else if (instruction === 'RUN' && ok) {
      const result = run('sh', ['-c', text.replaceAll('/out/', `${out}/`)], { cwd, env });
      log += `$ ${text}\n${result.output}\n`;
      ok = result.status === 0;
    }
  }
  image = existsSync(join(out, 'ocs-registry')) ? join(out, 'ocs-registry') : null;
  check('the build stage (COPY, bun install --production, bun build --compile) makes the executable', ok && image !== null, log);
}
const runtime = stages.at(-1) ?? '';
const imageArgs = (key: string): string[] => JSON.parse(new RegExp(`^${key} (\\[.*\\])$`, 'm').exec(runtime)?.[1] ?? '[]');
const imageEnv = Object.fromEntries([...runtime.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
check('the image runs as user 9000 with OCS_CONFIG_DIR=/config', /^USER 9000(:9000)?$/m.test(runtime) && imageEnv.OCS_CONFIG_DIR === '/config');
const compose = parseYaml(readFileSync(join(ROOT, 'deploy', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { hostname?: string; environment?: string[]; volumes?: string[] }>;
};
const service = compose.services['ocs-registry']!;
check('the compose service mounts the site config at /config', (service.volumes ?? []).some((v) => /:\/config(:ro)?$/.test(v)));
if (image && sim) {
  const router = await startRouter(sim);
  try {
    const environment: Record<string, string> = { ...imageEnv };
    for (const entry of service.environment ?? []) {
      const [key, value] = entry.split(/=(.*)/s) as [string, string];
      // The compose network's crossbar is our ocs-sim router.
      environment[key] = key === 'SITE_HUB' ? router.ws : key === 'SITE_HTTP' ? router.http : value;
    }
    // /config is a directory here; the container's host name (compose `hostname:`) is what SITE_HOST names.
    environment.OCS_CONFIG_DIR = siteConfigDir('config', service.hostname ?? 'ocs-docker', 'ws://crossbar:8001/ws');
    if (service.hostname) environment.SITE_HOST = service.hostname;
    const [entrypoint] = imageArgs('ENTRYPOINT');
    check('ENTRYPOINT is the executable the build stage made', entrypoint === '/usr/local/bin/ocs-registry');
    await joinsAs('the image command, with the compose environment', image, imageArgs('CMD'), environment);
  } finally {
    await router.stop();
  }
}

// --- 4. systemd ----------------------------------------------------------------
step('deploy/ocs-registry.service');
const unitText = readFileSync(join(ROOT, 'deploy', 'ocs-registry.service'), 'utf8');
const execStart = /^ExecStart=(.*)$/m.exec(unitText)?.[1]?.split(/\s+/) ?? [];
const unitEnv = Object.fromEntries([...unitText.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
check('the unit restarts as OCS services do (Restart=always, RestartSec=10s)', /^Restart=always$/m.test(unitText) && /^RestartSec=10s$/m.test(unitText));
if (registry) {
  const unitDir = join(work, 'systemd');
  mkdirSync(unitDir, { recursive: true });
  const unitFile = join(unitDir, 'ocs-registry.service');
  // Verified as installed: ExecStart is the built executable, User one that exists here.
  writeFileSync(unitFile, unitText.replace(/^ExecStart=\S+/m, `ExecStart=${registry}`).replace(/^User=.*$/m, 'User=root'));
  if (existsSync('/usr/bin/systemd-analyze')) {
    const verified = run('systemd-analyze', ['verify', unitFile]);
    check('systemd-analyze verify: no warning', verified.status === 0 && !verified.output.includes('ocs-registry.service'), verified.output);
  } else {
    console.log('skip systemd-analyze verify: not installed (Debian: apt install systemd)');
  }
  if (sim) {
    const router = await startRouter(sim);
    try {
      // The unit has no SITE_HUB: the site config's hub and the machine's host block say where the router is.
      const environment = { ...unitEnv, OCS_CONFIG_DIR: siteConfigDir('ocs-site-configs', hostname(), router.ws) };
      await joinsAs('the unit command, with its environment', registry, execStart.slice(1), environment);
    } finally {
      await router.stop();
    }
  }
}

if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`\nkept ${work}`);
console.log(`\n${failures.length === 0 ? 'executables check: all passed' : `executables check: ${failures.length} FAILED:\n  ${failures.join('\n  ')}`}`);
process.exit(failures.length === 0 ? 0 : 1);
