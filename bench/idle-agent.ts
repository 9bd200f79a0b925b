/**
 * An idle agent's footprint: `node dist/cli/casim.js agent` registered with a `casim server`,
 * then left alone; RSS and CPU from /proc. Anchor in the same run: a bare `node` process that
 * only keeps a timer (the runtime's own floor) and a bare `node` with a `ws` client connected
 * to the same server (the library floor of any WebSocket agent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApiClient } from '../cli/api-client.js';
import { cpuMsOf, machine, rssOf } from './stats.js';

const KEY = { id: 'bench', secret: 'bench-secret' };
const CLI = join(import.meta.dirname, '..', 'cli', 'casim.js');
/** BENCH_AGENT_CLI: another build's dist/cli/casim.js for the agent (a before/after comparison). */
const AGENT_CLI = process.env.BENCH_AGENT_CLI ?? CLI;
const IDLE_MS = 10_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function firstLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = pattern.exec(line);
      if (match) resolve(match[1] ?? line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}`)));
  });
}

async function idle(child: ChildProcess): Promise<{ rss: number; cpuMs: number }> {
  await sleep(3000);
  const cpu0 = cpuMsOf(child.pid!);
  await sleep(IDLE_MS);
  return { rss: rssOf(child.pid!), cpuMs: cpuMsOf(child.pid!) - cpu0 };
}

const dir = mkdtempSync(join(tmpdir(), 'casim-bench-idle-'));
const env = { ...process.env, CASIM_LOG_LEVEL: 'warn', CASIM_ACCESS_KEY_ID: KEY.id, CASIM_ACCESS_KEY_SECRET: KEY.secret };
const server = spawn(process.execPath, [CLI, 'server', '--port', '0', '--data-dir', join(dir, 'data'), '--no-fleet'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await firstLine(server, /casim server on (http:\S+)/);
const client = new ApiClient({ server: url, accessKeyId: KEY.id, accessKeySecret: KEY.secret, regionId: 'cn-hangzhou' });
const { ActivationId, ActivationCode } = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
const agent = spawn(process.execPath, [AGENT_CLI, 'agent', '--server', url, '--activation-id', ActivationId, '--activation-code', ActivationCode, '--state-dir', join(dir, 'agent')], { env, stdio: 'ignore' });
for (let i = 0; i < 100; i += 1) {
  const body = await client.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ CloudAssistantStatus: string }> } }>('DescribeCloudAssistantStatus', {});
  if (body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus.some((s) => s.CloudAssistantStatus === 'true')) break;
  await sleep(100);
}
const measuredAgent = await idle(agent);
const bareNode = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const measuredNode = await idle(bareNode);
const wsClient = spawn(process.execPath, ['--input-type=module', '-e', `import { WebSocket } from 'ws'; const s = new WebSocket(${JSON.stringify(url.replace('http', 'ws') + '/agent')}); s.on('error', () => {}); setInterval(() => {}, 1000);`], { stdio: 'ignore', cwd: join(import.meta.dirname, '..', '..') });
const measuredWs = await idle(wsClient);
for (const child of [agent, bareNode, wsClient, server]) child.kill('SIGTERM');
await sleep(300);
rmSync(dir, { recursive: true, force: true });

console.log(`## Idle agent — ${machine()}\n`);
console.log(`| process | RSS | CPU over ${IDLE_MS / 1000} s idle | RSS / bare node |`);
console.log('|---|---|---|---|');
console.log(`| casim agent (registered, connected, idle)${AGENT_CLI === CLI ? '' : `, ${AGENT_CLI}`} | ${measuredAgent.rss.toFixed(1)} MiB | ${measuredAgent.cpuMs} ms | ${(measuredAgent.rss / measuredNode.rss).toFixed(2)}× |`);
console.log(`| anchor: bare node with a timer | ${measuredNode.rss.toFixed(1)} MiB | ${measuredNode.cpuMs} ms | 1.00× |`);
console.log(`| anchor: bare node with one ws client | ${measuredWs.rss.toFixed(1)} MiB | ${measuredWs.cpuMs} ms | ${(measuredWs.rss / measuredNode.rss).toFixed(2)}× |`);
