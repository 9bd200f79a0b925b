/**
 * An idle agent's footprint (issue 10: at most 50 MB RSS and 1 % CPU, on a host and in a Docker
 * instance): `casim agent` registered with a `casim server`, then left alone; RSS and CPU from
 * /proc, 20 s after it is online (V8's memory reducer has run by then), CPU over the next 10 s.
 *
 * - Host: `node dist/cli/casim.js agent`. Anchors in the same run: a bare `node` that only keeps
 *   a timer (the runtime's own floor) and a bare `node` with a `ws` client connected to the same
 *   server (the library floor of any WebSocket agent).
 * - Docker: the instance image (BENCH_INSTANCE_IMAGE, default casim/instance; scripts/build-images.sh)
 *   run as the fleet runs it (--network host, --init), registered through an activation. Anchors
 *   in the same container (its Node): a bare `node` with a timer and one with a `ws` client.
 *   Skipped, with the reason printed, when no Docker engine answers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiClient } from '../cli/api-client.js';
import { cpuMsOf, cpuMsOfStat, machine, rssOf, rssOfStatus } from './stats.js';

const KEY = { id: 'bench', secret: 'bench-secret' };
const CLI = join(import.meta.dirname, '..', 'cli', 'casim.js');
/** BENCH_AGENT_CLI: another build's dist/cli/casim.js for the agent (a before/after comparison). */
const AGENT_CLI = process.env.BENCH_AGENT_CLI ?? CLI;
const IMAGE = process.env.BENCH_INSTANCE_IMAGE ?? 'casim/instance';
/** Long enough for V8's memory reducer to have run (10-20 s after start): the steady idle state. */
const SETTLE_MS = 20_000;
const IDLE_MS = 10_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Measured {
  rss: number;
  cpuMs: number;
}

/** One process's RSS (MiB) and CPU time (ms), read on the host or through `docker exec`. */
interface ProcReader {
  rss(): number;
  cpuMs(): number;
}

function hostProc(pid: number): ProcReader {
  return { rss: () => rssOf(pid), cpuMs: () => cpuMsOf(pid) };
}

function firstLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = pattern.exec(line);
      if (match) resolve(match[1] ?? line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}`)));
  });
}

async function idle(proc: ProcReader): Promise<Measured> {
  await sleep(SETTLE_MS);
  const cpu0 = proc.cpuMs();
  await sleep(IDLE_MS);
  return { rss: proc.rss(), cpuMs: proc.cpuMs() - cpu0 };
}

const dir = mkdtempSync(join(tmpdir(), 'casim-bench-idle-'));
const env = { ...process.env, CASIM_LOG_LEVEL: 'warn', CASIM_ACCESS_KEY_ID: KEY.id, CASIM_ACCESS_KEY_SECRET: KEY.secret };
const server = spawn(process.execPath, [CLI, 'server', '--port', '0', '--data-dir', join(dir, 'data'), '--no-fleet'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await firstLine(server, /casim server on (http:\S+)/);
const wsUrl = url.replace('http', 'ws') + '/agent';
const client = new ApiClient({ server: url, accessKeyId: KEY.id, accessKeySecret: KEY.secret, regionId: 'cn-hangzhou' });

async function activation(): Promise<{ ActivationId: string; ActivationCode: string }> {
  return client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
}

/** Waits until an instance other than `known` is online; returns its ID. */
async function newlyOnline(known: ReadonlySet<string>): Promise<string> {
  for (let i = 0; i < 300; i += 1) {
    const body = await client.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ InstanceId: string; CloudAssistantStatus: string }> } }>('DescribeCloudAssistantStatus', {});
    const online = body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus.find((s) => s.CloudAssistantStatus === 'true' && !known.has(s.InstanceId));
    if (online) return online.InstanceId;
    await sleep(100);
  }
  throw new Error('the agent did not come online within 30 s');
}

const wsClientScript = `import { WebSocket } from 'ws'; const s = new WebSocket(${JSON.stringify(wsUrl)}); s.on('error', () => {}); setInterval(() => {}, 1000);`;
const timerScript = 'setInterval(() => {}, 1000)';

// ---- host ----
const hostCodes = await activation();
const agent = spawn(process.execPath, [AGENT_CLI, 'agent', '--server', url, '--activation-id', hostCodes.ActivationId, '--activation-code', hostCodes.ActivationCode, '--state-dir', join(dir, 'agent')], { env, stdio: 'ignore' });
const hostInstance = await newlyOnline(new Set());
const host = { agent: await idle(hostProc(agent.pid!)) } as Record<'agent' | 'node' | 'ws', Measured>;
const bareNode = spawn(process.execPath, ['-e', timerScript], { stdio: 'ignore' });
host.node = await idle(hostProc(bareNode.pid!));
const wsClient = spawn(process.execPath, ['--input-type=module', '-e', wsClientScript], { stdio: 'ignore', cwd: join(import.meta.dirname, '..', '..') });
host.ws = await idle(hostProc(wsClient.pid!));
for (const child of [agent, bareNode, wsClient]) child.kill('SIGTERM');

// ---- Docker instance ----
const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
function containerProc(container: string, pattern: string): ProcReader {
  const pid = docker('exec', container, 'pgrep', '-o', '-f', pattern);
  if (!/^\d+$/.test(pid)) throw new Error(`no process matching ${pattern} in ${container}`);
  return {
    rss: () => rssOfStatus(docker('exec', container, 'cat', `/proc/${pid}/status`)),
    cpuMs: () => cpuMsOfStat(docker('exec', container, 'cat', `/proc/${pid}/stat`)),
  };
}
let inDocker: { agent: Measured; node: Measured; ws: Measured; node_version: string } | { skipped: string };
let container: string | undefined;
try {
  docker('image', 'inspect', IMAGE);
  const codes = await activation();
  container = docker('run', '-d', '--rm', '--init', '--network', 'host', '-e', 'CASIM_LOG_LEVEL=warn', IMAGE,
    '--server', url, '--activation-id', codes.ActivationId, '--activation-code', codes.ActivationCode, '--state-dir', '/tmp/casim-agent');
  await newlyOnline(new Set([hostInstance]));
  const agentInContainer = await idle(containerProc(container, '^node .*casim.js agent'));
  docker('exec', '-d', container, 'node', '-e', timerScript);
  const nodeInContainer = await idle(containerProc(container, 'node -e setInterval'));
  docker('exec', '-d', '-w', '/opt/casim', container, 'node', '--input-type=module', '-e', wsClientScript);
  const wsInContainer = await idle(containerProc(container, 'WebSocket'));
  inDocker = { agent: agentInContainer, node: nodeInContainer, ws: wsInContainer, node_version: docker('exec', container, 'node', '--version') };
} catch (error) {
  inDocker = { skipped: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
} finally {
  if (container !== undefined) docker('rm', '-f', container);
}
server.kill('SIGTERM');
await sleep(300);
rmSync(dir, { recursive: true, force: true });

const cpuShare = (m: Measured): string => `${m.cpuMs} ms (${((m.cpuMs / IDLE_MS) * 100).toFixed(1)} %)`;
const row = (label: string, m: Measured, anchor: Measured): string => `| ${label} | ${m.rss.toFixed(1)} MiB | ${cpuShare(m)} | ${(m.rss / anchor.rss).toFixed(2)}× |`;
console.log(`## Idle agent — ${machine()}\n`);
console.log(`RSS in MiB (VmRSS); CPU over ${IDLE_MS / 1000} s idle, ${SETTLE_MS / 1000} s after the agent is online.\n`);
console.log('| process | RSS | CPU over 10 s idle | RSS / bare node |');
console.log('|---|---|---|---|');
console.log(row(`host: casim agent (registered, connected, idle)${AGENT_CLI === CLI ? '' : `, ${AGENT_CLI}`}`, host.agent, host.node));
console.log(row('host anchor: bare node with a timer', host.node, host.node));
console.log(row('host anchor: bare node with one ws client', host.ws, host.node));
if ('skipped' in inDocker) {
  console.log(`| Docker instance (${IMAGE}): not measured — ${inDocker.skipped} | | | |`);
} else {
  console.log(row(`Docker instance (${IMAGE}, Node ${inDocker.node_version}): casim agent`, inDocker.agent, inDocker.node));
  console.log(row('Docker anchor, same container: bare node with a timer', inDocker.node, inDocker.node));
  console.log(row('Docker anchor, same container: bare node with one ws client', inDocker.ws, inDocker.node));
}
