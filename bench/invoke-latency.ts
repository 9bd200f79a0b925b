/**
 * `npm run bench`: latency from InvokeCommand to a Success result for the script `true`, on 1, 20
 * and 100 connected local agents (p50, p99), each next to as many bare node-pty spawns of the same
 * script at once, measured in the same run. Results are appended to bench/RESULTS.md by hand (printed as a table).
 *
 * Where the agent runs: the testkit (testkit/start-casim.ts) runs agents in the server's process,
 * and so do the 1, 20 and 100 agent rows; the deployed `casim agent` (cli/casim.ts) is a process
 * of its own, and the "own process" row runs one like that (the CLI, with its V8 flags). A fork's
 * cost depends on the process that forks (its page tables: the benchmark's one process holds the
 * server, the agents and the runs' records), so each row has the anchor that matches it: bare
 * spawns from the benchmark's process for the in-process rows, from a small child that only loads
 * node-pty (bare-pty-spawns-child.ts, with the agent's V8 flags) for the own-process row. The RSS
 * of each forking process is printed with it.
 *
 * The end is taken from the run events (controlplane/invocations/run-events.ts, published after
 * the commit that stores the final status) rather than by polling, so that neither the polling
 * interval nor the polling load on the shared event loop is in the figure; one DescribeInvocations
 * call right after then checks `Success` through the API, and that moment is reported as well.
 *
 * Every run's agents write their script files into a directory of their own (removed after it),
 * as on a fresh host: the default directory (<tmp>/casim-scripts, shared by every agent and test
 * on the machine, never emptied) held 188,348 files from earlier runs here, and creating a file in
 * it took 0.5-0.9 ms instead of 0.03-0.06 ms in an empty one (ext4), which grew the figure from
 * one run to the next.
 *
 * BENCH_ROWS (default `1,20,100,own`): which rows to run, e.g. `1,own` for the one-agent pair.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Agent } from '../agent/agent.js';
import { loadIdentity } from '../agent/identity-store.js';
import { AGENT_V8_FLAGS } from '../cli/agent-v8-flags.js';
import { ApiClient } from '../cli/api-client.js';
import { startServer } from '../controlplane/server.js';
import { createLogger } from '../shared/logger.js';
import { bareInvokePath } from './bare-invoke-path.js';
import { barePtySpawns } from './bare-pty-spawns.js';
import { FinishedRuns } from './finished-runs.js';
import { rssOf, summary } from './stats.js';

process.env.CASIM_LOG_LEVEL ??= 'error';
const KEY = { id: 'bench', secret: 'bench-secret' };
const CLI = join(import.meta.dirname, '..', 'cli', 'casim.js');
const SPAWN_CHILD = join(import.meta.dirname, 'bare-pty-spawns-child.js');

/** Bare spawns timed in a small child process (bare-pty-spawns-child.ts), with the agent's V8 flags. */
async function barePtySpawnsInChild(count: number, iterations: number): Promise<{ samples: number[]; rssMiB: number }> {
  const child = spawn(process.execPath, [...AGENT_V8_FLAGS, SPAWN_CHILD, String(count), String(iterations)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await firstLine(child);
  return JSON.parse(line) as { samples: number[]; rssMiB: number };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited ${String(code)} before a line`)));
  });
}

interface InvokeSamples {
  /** InvokeCommand sent → the last run's final status stored (its `finished` run event). */
  stored: number[];
  /** … → one DescribeInvocations call after that event shows `Success`. */
  described: number[];
}

/** Where the agents run: in the benchmark's process (as the testkit runs them), or each in a `casim agent` process of its own. */
type Placement = 'in-process' | 'own-process';

interface InvokeRun extends InvokeSamples {
  /** RSS (MiB) after the runs of the process that forked the scripts' PTYs. */
  forkerRssMiB: number;
}

/** `casim agent` in a child process, registered through the activation; resolves with its instance ID once it is connected. */
async function agentProcess(server: { url: string; sessions: { isConnected(id: string): boolean } }, stateDir: string, scriptParent: string, activation: { ActivationId: string; ActivationCode: string }): Promise<{ child: ChildProcess; instanceId: string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'agent', '--server', server.url, '--activation-id', activation.ActivationId, '--activation-code', activation.ActivationCode, '--state-dir', stateDir],
    // TMPDIR: its scripts go to <TMPDIR>/casim-scripts (agent.ts DEFAULT_SCRIPT_DIR), fresh for this run.
    { env: { ...process.env, CASIM_LOG_LEVEL: 'error', TMPDIR: scriptParent }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`casim agent exited ${String(exited)} before it connected`);
    const instanceId = loadIdentity(stateDir)?.instanceId;
    if (instanceId !== undefined && server.sessions.isConnected(instanceId)) return { child, instanceId };
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function invokeLatency(agentCount: number, iterations: number, placement: Placement): Promise<InvokeRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'casim-bench-'));
  const logger = createLogger('bench');
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [KEY], logger });
  // Keep-alive, as the SDKs call (and as fleet-scale.ts does); a connection per call adds ~0.25 ms.
  const client = new ApiClient({ server: server.url, accessKeyId: KEY.id, accessKeySecret: KEY.secret, regionId: 'cn-hangzhou', keepAlive: true });
  const agents: Agent[] = [];
  const children: ChildProcess[] = [];
  const activation = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: agentCount });
  let ids: string[];
  if (placement === 'in-process') {
    for (let i = 0; i < agentCount; i += 1) {
      const agent = new Agent({ server: server.url, stateDir: join(dataDir, `agent-${i}`), scriptDir: join(dataDir, 'scripts'), activation: { id: activation.ActivationId, code: activation.ActivationCode }, logger });
      agent.start();
      agents.push(agent);
    }
    while (!agents.every((a) => a.instanceId && server.sessions.isConnected(a.instanceId))) await new Promise((r) => setTimeout(r, 20));
    ids = agents.map((a) => a.instanceId!);
  } else {
    const started = await Promise.all(Array.from({ length: agentCount }, (_, i) => agentProcess(server, join(dataDir, `agent-${i}`), dataDir, activation)));
    children.push(...started.map((s) => s.child));
    ids = started.map((s) => s.instanceId);
  }
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
  client.close();
  const forkerRssMiB = children.length > 0 ? rssOf(children[0]!.pid!) : rssOf('self');
  for (const agent of agents) agent.stop();
  await Promise.all(children.map((child) => new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { ...samples, forkerRssMiB };
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const MiB = (n: number): string => `${n.toFixed(0)} MiB`;

interface Row {
  key: string;
  agents: number;
  iterations: number;
  placement: Placement;
  label: string;
}

const ROWS: Row[] = [
  { key: '1', agents: 1, iterations: 100, placement: 'in-process', label: '1 agent' },
  { key: 'own', agents: 1, iterations: 100, placement: 'own-process', label: '1 agent in its own process (`casim agent`)' },
  { key: '20', agents: 20, iterations: 30, placement: 'in-process', label: 'on all, 20 agents' },
  { key: '100', agents: 100, iterations: 10, placement: 'in-process', label: 'on all, 100 agents' },
];

async function main(): Promise<void> {
  const wanted = new Set((process.env.BENCH_ROWS ?? '1,20,100,own').split(','));
  const table: string[] = [];
  for (const { agents, iterations, placement, label } of ROWS.filter((row) => wanted.has(row.key))) {
    const anchor = placement === 'in-process'
      ? { samples: await barePtySpawns(agents, iterations), rssMiB: rssOf('self'), from: 'from the benchmark process' }
      : { ...(await barePtySpawnsInChild(agents, iterations)), from: 'from a small process (node + node-pty)' };
    const bare = summary(anchor.samples);
    const runs = await invokeLatency(agents, iterations, placement);
    const stored = summary(runs.stored);
    const described = summary(runs.described);
    const spawns = agents === 1 ? 'a bare node-pty spawn' : `${agents} bare node-pty spawns at once`;
    // For an agent in its own process, also the same path with none of casim in it
    // (bare-invoke-path.ts), its agent process with the agent's V8 flags.
    const path = placement === 'own-process' ? summary(await bareInvokePath(iterations, AGENT_V8_FLAGS)) : null;
    table.push(
      `| anchor: ${spawns} of \`true\` ${anchor.from}, RSS ${MiB(anchor.rssMiB)} | ${bare.n} | ${fmt(bare.p50)} | ${fmt(bare.p99)} | 1.0× |`,
      ...(path ? [`| anchor: the bare path: an HTTP call, a SQLite insert, a WebSocket push to a small agent process, a bare node-pty spawn there, the WebSocket answer, a SQLite update | ${path.n} | ${fmt(path.p50)} | ${fmt(path.p99)} | ${(path.p50 / bare.p50).toFixed(1)}× |`] : []),
      `| InvokeCommand → Success stored, ${label}; the agent's process ${MiB(runs.forkerRssMiB)} | ${stored.n} | ${fmt(stored.p50)} | ${fmt(stored.p99)} | ${(stored.p50 / bare.p50).toFixed(1)}× |`,
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
