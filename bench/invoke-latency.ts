/**
 * `npm run bench`: latency from InvokeCommand to a Success result for the script `true`, on 1 and
 * on 20 connected local agents (p50, p99), next to a bare node-pty spawn of the same script
 * measured in the same run. Results are appended to bench/RESULTS.md by hand (printed as a table).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pty from 'node-pty';
import { Agent } from '../agent/agent.js';
import { ApiClient } from '../cli/api-client.js';
import { startServer } from '../controlplane/server.js';
import { createLogger } from '../shared/logger.js';

process.env.CASIM_LOG_LEVEL ??= 'error';
const KEY = { id: 'bench', secret: 'bench-secret' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
function summary(samples: number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

async function barePtySpawn(iterations: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const child = pty.spawn('/bin/sh', ['-c', 'true'], { cwd: '/tmp', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      child.onExit(() => resolve());
    });
    samples.push(performance.now() - start);
  }
  return samples;
}

async function invokeLatency(agentCount: number, iterations: number): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'casim-bench-'));
  const logger = createLogger('bench');
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [KEY], logger });
  const client = new ApiClient({ server: server.url, accessKeyId: KEY.id, accessKeySecret: KEY.secret, regionId: 'cn-hangzhou' });
  const agents: Agent[] = [];
  const { ActivationId, ActivationCode } = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: agentCount });
  for (let i = 0; i < agentCount; i += 1) {
    const agent = new Agent({ server: server.url, stateDir: join(dataDir, `agent-${i}`), activation: { id: ActivationId, code: ActivationCode }, logger });
    agent.start();
    agents.push(agent);
  }
  while (!agents.every((a) => a.instanceId && server.sessions.isConnected(a.instanceId))) await new Promise((r) => setTimeout(r, 20));
  const ids = agents.map((a) => a.instanceId!);
  const { CommandId } = await client.call<{ CommandId: string }>('CreateCommand', {
    Name: 'true',
    Type: 'RunShellScript',
    CommandContent: Buffer.from('true').toString('base64'),
  });
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    const { InvokeId } = await client.call<{ InvokeId: string }>('InvokeCommand', { CommandId, InstanceId: ids });
    for (;;) {
      const body = await client.call<{ Invocations: { Invocation: Array<{ InvocationStatus: string }> } }>('DescribeInvocations', { InvokeId });
      const status = body.Invocations.Invocation[0]?.InvocationStatus;
      if (status === 'Success') break;
      if (status !== 'Pending' && status !== 'Running') throw new Error(`unexpected status ${status}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    samples.push(performance.now() - start);
  }
  for (const agent of agents) agent.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return samples;
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const bare = summary(await barePtySpawn(100));
  const one = summary(await invokeLatency(1, 100));
  const twenty = summary(await invokeLatency(20, 30));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      '',
      '| measurement | samples | p50 | p99 |',
      '|---|---|---|---|',
      `| bare node-pty spawn of \`true\` | ${bare.n} | ${fmt(bare.p50)} | ${fmt(bare.p99)} |`,
      `| InvokeCommand → Success, 1 agent | ${one.n} | ${fmt(one.p50)} | ${fmt(one.p99)} |`,
      `| InvokeCommand → Success on all, 20 agents | ${twenty.n} | ${fmt(twenty.p50)} | ${fmt(twenty.p99)} |`,
      '',
    ].join('\n'),
  );
}

void main();
