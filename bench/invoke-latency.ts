/**
 * `npm run bench`: latency from InvokeCommand to a Success result for the script `true`, on 1, 20
 * and 100 connected local agents (p50, p99), each next to as many bare node-pty spawns of the same
 * script at once, measured in the same run. Results are appended to bench/RESULTS.md by hand (printed as a table).
 *
 * The end is taken from the run events (controlplane/invocations/run-events.ts, published after
 * the commit that stores the final status) rather than by polling, so that neither the polling
 * interval nor the polling load on the shared event loop is in the figure; one DescribeInvocations
 * call right after then checks `Success` through the API, and that moment is reported as well.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pty from 'node-pty';
import { Agent } from '../agent/agent.js';
import { ApiClient } from '../cli/api-client.js';
import { runChannel, type RunLifecycleEvent } from '../controlplane/invocations/run-events.js';
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

/** `count` bare node-pty spawns of `true` at once, timed until the last has exited (the anchor for `count` agents). */
async function barePtySpawns(count: number, iterations: number): Promise<number[]> {
  const spawnOne = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const child = pty.spawn('/bin/sh', ['-c', 'true'], { cwd: '/tmp', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      child.onExit(() => resolve());
    });
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, spawnOne));
    samples.push(performance.now() - start);
  }
  return samples;
}

interface InvokeSamples {
  /** InvokeCommand sent → the last run's final status stored (its `finished` run event). */
  stored: number[];
  /** … → one DescribeInvocations call after that event shows `Success`. */
  described: number[];
}

/** Resolves once `count` runs of `invokeId` have published `finished` (events may come before the wait starts). */
class FinishedRuns {
  private readonly counts = new Map<string, number>();
  private waiter: { invokeId: string; count: number; resolve: () => void } | undefined;
  private readonly listener = (message: unknown): void => {
    const event = message as RunLifecycleEvent;
    const count = (this.counts.get(event.invokeId) ?? 0) + 1;
    this.counts.set(event.invokeId, count);
    if (this.waiter?.invokeId === event.invokeId && count >= this.waiter.count) this.waiter.resolve();
  };
  constructor() {
    runChannel('finished').subscribe(this.listener);
  }
  wait(invokeId: string, count: number): Promise<void> {
    if ((this.counts.get(invokeId) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { invokeId, count, resolve }));
  }
  close(): void {
    runChannel('finished').unsubscribe(this.listener);
  }
}

async function invokeLatency(agentCount: number, iterations: number): Promise<InvokeSamples> {
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
  const samples: InvokeSamples = { stored: [], described: [] };
  const finished = new FinishedRuns();
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    const { InvokeId } = await client.call<{ InvokeId: string }>('InvokeCommand', { CommandId, InstanceId: ids });
    await finished.wait(InvokeId, agentCount);
    samples.stored.push(performance.now() - start);
    const body = await client.call<{ Invocations: { Invocation: Array<{ InvocationStatus: string }> } }>('DescribeInvocations', { InvokeId });
    const status = body.Invocations.Invocation[0]?.InvocationStatus;
    // Every run is stored final by now: anything but Success is a failed run, not a wait.
    if (status !== 'Success') throw new Error(`unexpected status ${status} after every run finished`);
    samples.described.push(performance.now() - start);
  }
  finished.close();
  for (const agent of agents) agent.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return samples;
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const sizes = [
    { agents: 1, iterations: 100, label: '1 agent' },
    { agents: 20, iterations: 30, label: 'on all, 20 agents' },
    { agents: 100, iterations: 10, label: 'on all, 100 agents' },
  ];
  const table: string[] = [];
  for (const { agents, iterations, label } of sizes) {
    const bare = summary(await barePtySpawns(agents, iterations));
    const runs = await invokeLatency(agents, iterations);
    const stored = summary(runs.stored);
    const described = summary(runs.described);
    table.push(
      `| anchor: ${agents === 1 ? 'a bare node-pty spawn' : `${agents} bare node-pty spawns at once`} of \`true\` | ${bare.n} | ${fmt(bare.p50)} | ${fmt(bare.p99)} | 1.0× |`,
      `| InvokeCommand → Success stored, ${label} | ${stored.n} | ${fmt(stored.p50)} | ${fmt(stored.p99)} | ${(stored.p50 / bare.p50).toFixed(1)}× |`,
      `| InvokeCommand → Success seen by DescribeInvocations, ${label} | ${described.n} | ${fmt(described.p50)} | ${fmt(described.p99)} | ${(described.p50 / bare.p50).toFixed(1)}× |`,
    );
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      '',
      '| measurement | samples | p50 | p99 | p50 / anchor p50 |',
      '|---|---|---|---|---|',
      ...table,
      '',
    ].join('\n'),
  );
}

void main();
