/**
 * `node dist/bench/invoke-ab.js <in|own> <calls> <build> <build> …`: an A/B of builds on one
 * machine whose speed drifts (a shared VM: the same build's whole-run figure moved by 2× from one
 * minute to the next). Each build is another checkout's compiled tree (its `dist/`, copied inside
 * a directory where `node_modules` resolves); all of them are imported into this one process, each
 * gets its own server and agents (in this process, or `casim agent` processes of that build), and
 * InvokeCommand is sent to the builds in turn, call by call, so drift hits each build alike.
 * Prints, per build, the p25 / p50 / p75 of InvokeCommand → every run's final status stored (its
 * `finished` run event). AB_AGENTS (default 1) agents per build. Not a benchmark figure: several
 * servers share the process, so the times run above bench/invoke-latency.ts's; only the
 * differences between the builds are read from it (bench/RESULTS.md, fifth pass).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FinishedRuns } from './finished-runs.js';
import { percentile } from './stats.js';

process.env.CASIM_LOG_LEVEL ??= 'error';
const KEY = { id: 'bench', secret: 'bench-secret' };

interface Client {
  call<T>(action: string, params?: Record<string, unknown>): Promise<T>;
}
interface Setup {
  build: string;
  server: { url: string; close(): Promise<void>; sessions: { isConnected(id: string): boolean } };
  client: Client;
  instanceIds: string[];
  commandId: string;
  stop: () => Promise<void>;
  samples: number[];
}

const [placement, callsText, ...builds] = process.argv.slice(2);
const calls = Number(callsText);
const agentsPerBuild = Number(process.env.AB_AGENTS ?? 1);
if ((placement !== 'in' && placement !== 'own') || !Number.isInteger(calls) || builds.length < 2) {
  throw new Error('usage: invoke-ab.js <in|own> <calls> <build dir> <build dir> …');
}

// Run events are process-wide (whichever build published them): counted by InvokeId.
const finished = new FinishedRuns();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function setUp(build: string): Promise<Setup> {
  const dist = resolve(build);
  const { ApiClient } = (await import(join(dist, 'cli/api-client.js'))) as { ApiClient: new (config: object) => Client };
  const { startServer } = (await import(join(dist, 'controlplane/server.js'))) as { startServer: (options: object) => Promise<Setup['server']> };
  const { createLogger } = (await import(join(dist, 'shared/logger.js'))) as { createLogger: (name: string) => unknown };
  const { loadIdentity } = (await import(join(dist, 'agent/identity-store.js'))) as { loadIdentity: (dir: string) => { instanceId: string } | undefined };
  const dataDir = mkdtempSync(join(tmpdir(), 'casim-ab-'));
  const logger = createLogger('bench');
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [KEY], logger });
  const client = new ApiClient({ server: server.url, accessKeyId: KEY.id, accessKeySecret: KEY.secret, regionId: 'cn-hangzhou' });
  const activation = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: agentsPerBuild });
  const stateDirs = Array.from({ length: agentsPerBuild }, (_, i) => join(dataDir, `agent-${i}`));
  const children: ChildProcess[] = [];
  const agents: Array<{ stop(): void }> = [];
  if (placement === 'own') {
    for (const stateDir of stateDirs) {
      children.push(spawn(process.execPath, [join(dist, 'cli/casim.js'), 'agent', '--server', server.url, '--activation-id', activation.ActivationId, '--activation-code', activation.ActivationCode, '--state-dir', stateDir], {
        env: { ...process.env, TMPDIR: dataDir }, // scripts in <dataDir>/casim-scripts, fresh
        stdio: ['ignore', 'ignore', 'inherit'],
      }));
    }
  } else {
    const { Agent } = (await import(join(dist, 'agent/agent.js'))) as { Agent: new (options: object) => { start(): void; stop(): void } };
    for (const stateDir of stateDirs) {
      const agent = new Agent({ server: server.url, stateDir, scriptDir: join(dataDir, 'scripts'), activation: { id: activation.ActivationId, code: activation.ActivationCode }, logger });
      agent.start();
      agents.push(agent);
    }
  }
  let instanceIds: string[] = [];
  for (;;) {
    instanceIds = stateDirs.map((dir) => loadIdentity(dir)?.instanceId).filter((id): id is string => id !== undefined && server.sessions.isConnected(id));
    if (instanceIds.length === agentsPerBuild) break;
    await sleep(20);
  }
  const { CommandId } = await client.call<{ CommandId: string }>('CreateCommand', { Name: 'true', Type: 'RunShellScript', CommandContent: Buffer.from('true').toString('base64') });
  const stop = async (): Promise<void> => {
    for (const agent of agents) agent.stop();
    await Promise.all(children.map((child) => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); })));
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { build, server, client, instanceIds, commandId: CommandId, stop, samples: [] };
}

async function invoke(setup: Setup): Promise<number> {
  const start = performance.now();
  const { InvokeId } = await setup.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId: setup.commandId, InstanceId: setup.instanceIds });
  await finished.wait(InvokeId, agentsPerBuild);
  return performance.now() - start;
}

const setups: Setup[] = [];
for (const build of builds) setups.push(await setUp(build));
for (let i = 0; i < calls; i += 1) {
  // Each round in the other order, so that no build always follows the same one.
  for (const setup of i % 2 === 0 ? setups : [...setups].reverse()) {
    setup.samples.push(await invoke(setup));
    await sleep(2);
  }
}
for (const setup of setups) await setup.stop();
const ms = (n: number): string => `${n.toFixed(2)} ms`;
for (const { build, samples } of setups) {
  const sorted = [...samples].sort((a, b) => a - b);
  process.stdout.write(`${placement} ${agentsPerBuild} agent(s) ${build}: p25 ${ms(percentile(sorted, 25))}  p50 ${ms(percentile(sorted, 50))}  p75 ${ms(percentile(sorted, 75))}  (${sorted.length} calls)\n`);
}
