import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../cli/api-client.js';
import { FINAL_STATUSES } from '../../controlplane/invocations/aggregate-status.js';
import { removeDir, waitFor } from '../support/harness.js';
import { freePort, killAndWait, spawnAgent, tempDir } from '../support/processes.js';
import { startedServer, type StartedServer } from '../support/server-process.js';

/**
 * The control plane killed with SIGKILL while 200 invocations run on 4 real agent processes,
 * then restarted on the same data dir: nothing lost, nothing stuck, nothing run twice. Each
 * script appends its InvokeId to a file, so a second execution would show.
 */
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const child of children) await killAndWait(child);
  for (const dir of dirs) removeDir(dir);
});

const RUNS = 200;
const AGENTS = 4;

interface Fleet {
  port: number;
  dataDir: string;
  server: StartedServer;
  instanceIds: string[];
  marker: string;
}

async function fleet(): Promise<Fleet> {
  const port = await freePort();
  const dataDir = tempDir('casim-crash-cp-');
  dirs.push(dataDir);
  const server = await startedServer(dataDir, ['--port', String(port)]);
  children.push(server.child);
  const { ActivationId, ActivationCode } = await server.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: AGENTS });
  const stateDirs = Array.from({ length: AGENTS }, () => tempDir('casim-crash-agent-'));
  dirs.push(...stateDirs);
  for (const stateDir of stateDirs) children.push(spawnAgent(server.url, stateDir, { id: ActivationId, code: ActivationCode }));
  const instanceIds = await Promise.all(
    stateDirs.map((stateDir) =>
      waitFor(() => (existsSync(join(stateDir, 'identity.json')) ? (JSON.parse(readFileSync(join(stateDir, 'identity.json'), 'utf8')) as { instanceId: string }).instanceId : undefined), 20_000, 'registration'),
    ),
  );
  await waitFor(async () => ((await connectedCount(server.client, instanceIds)) === AGENTS ? true : undefined), 20_000, 'agents online');
  const markerDir = tempDir('casim-crash-marker-');
  dirs.push(markerDir);
  return { port, dataDir, server, instanceIds, marker: join(markerDir, 'runs.log') };
}

async function connectedCount(client: ApiClient, instanceIds: string[]): Promise<number> {
  const body = await client.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ CloudAssistantStatus: string }> } }>(
    'DescribeCloudAssistantStatus',
    { InstanceId: instanceIds },
  );
  return body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus.filter((s) => s.CloudAssistantStatus === 'true').length;
}

function runCommand(client: ApiClient, f: Fleet, index: number): Promise<{ InvokeId: string }> {
  return client.call<{ InvokeId: string }>('RunCommand', {
    Type: 'RunShellScript',
    CommandContent: `echo {{ACS::InvokeId}} >> ${f.marker}; sleep 2; echo ok-${index}`,
    EnableParameter: true,
    InstanceId: [f.instanceIds[index % AGENTS]!],
    ClientToken: `crash-${index}`,
  });
}

function markerLines(marker: string): string[] {
  return existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter(Boolean) : [];
}

interface Result {
  InvokeId: string;
  InvocationStatus: string;
  ErrorCode: string;
  Output: string;
}

async function allResults(client: ApiClient, invokeIds: string[]): Promise<Map<string, Result>> {
  const results = new Map<string, Result>();
  for (const invokeId of invokeIds) {
    const body = await client.call<{ Invocation: { InvocationResults: { InvocationResult: Result[] } } }>('DescribeInvocationResults', { InvokeId: invokeId, ContentEncoding: 'PlainText' });
    const [result] = body.Invocation.InvocationResults.InvocationResult;
    if (result) results.set(invokeId, result);
  }
  return results;
}

async function crashAndRecover(downMs: number): Promise<void> {
  const f = await fleet();
  const invokeIds: string[] = [];
  for (let i = 0; i < RUNS; i += 1) invokeIds.push((await runCommand(f.server.client, f, i)).InvokeId);
  // Kill while the scripts run: at least half of them have started.
  await waitFor(() => (markerLines(f.marker).length >= RUNS / 2 ? true : undefined), 60_000, 'half of the runs started');
  await killAndWait(f.server.child);
  if (downMs > 0) {
    // The outage itself (not a synchronisation): longer than the delivery window, so runs
    // finish while nobody listens.
    await new Promise((resolve) => setTimeout(resolve, downMs));
  }
  const restarted = await startedServer(f.dataDir, ['--port', String(f.port)]);
  children.push(restarted.child);
  const final = await waitFor(async () => {
    const results = await allResults(restarted.client, invokeIds);
    return [...results.values()].every((r) => FINAL_STATUSES.has(r.InvocationStatus)) && results.size === RUNS ? results : undefined;
  }, 120_000, 'every run final');
  const statuses = [...final.values()].map((r) => `${r.InvocationStatus}${r.ErrorCode ? '/' + r.ErrorCode : ''}`);
  expect(statuses.filter((s) => s !== 'Success')).toEqual([]);
  invokeIds.forEach((invokeId, i) => expect(final.get(invokeId)!.Output).toBe(`ok-${i}\n`));
  // Retried with the same ClientToken: the same InvokeIds, nothing new runs.
  const retried = await Promise.all(invokeIds.slice(0, 20).map((_, i) => runCommand(restarted.client, f, i)));
  expect(retried.map((r) => r.InvokeId)).toEqual(invokeIds.slice(0, 20));
  const lines = markerLines(f.marker);
  expect(lines.length).toBe(RUNS);
  expect(new Set(lines)).toEqual(new Set(invokeIds));
  await killAndWait(restarted.child);
}

describe('the control plane killed with SIGKILL during 200 runs', () => {
  it('restarted at once: 0 lost, 0 stuck, 0 run twice, all Success', async () => {
    await crashAndRecover(0);
  }, 240_000);

  it('down for 70 s, longer than the delivery window: still all Success, none Aborted', async () => {
    await crashAndRecover(70_000);
  }, 300_000);
});
