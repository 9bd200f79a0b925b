import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { coldStartFlag } from '../../agent/cold-start.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, startLocalAgent, startTestServer, waitFor, type LocalAgent, type TestServer } from '../support/harness.js';

let test: TestServer;
let local: LocalAgent;
let agent: Agent;

beforeAll(async () => {
  test = await startTestServer();
  local = await startLocalAgent(test, 'rebooter');
  agent = local.agent;
});

afterAll(async () => {
  agent?.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (local) {
    removeDir(local.stateDir);
    rmSync(coldStartFlag(local.instanceId), { force: true });
  }
});

/** Restarts the agent process; with `boot` the machine "rebooted" first (its RAM flag is gone). */
async function restartAgent(boot: boolean): Promise<void> {
  agent.stop();
  await waitFor(() => (test.server.sessions.isConnected(local.instanceId) ? undefined : true), 5_000, 'disconnect');
  if (boot) rmSync(coldStartFlag(local.instanceId), { force: true });
  agent = new Agent({ server: test.server.url, stateDir: local.stateDir, logger: createLogger('test-agent') });
  agent.start();
  await waitFor(() => (test.server.sessions.isConnected(local.instanceId) ? true : undefined), 10_000, 'reconnect');
}

interface Row { InvocationStatus: string; Repeats: number; Output: string }
async function instanceRow(invokeId: string): Promise<Row & { aggregate: string }> {
  const body = await test.client.call<{ Invocations: { Invocation: Array<{ InvocationStatus: string; InvokeInstances: { InvokeInstance: Row[] } }> } }>(
    'DescribeInvocations',
    { InvokeId: invokeId, IncludeOutput: true, ContentEncoding: 'PlainText' },
  );
  const invocation = body.Invocations.Invocation[0]!;
  return { ...invocation.InvokeInstances.InvokeInstance[0]!, aggregate: invocation.InvocationStatus };
}

const settled = (invokeId: string, status: string, repeats: number) =>
  waitFor(async () => {
    const row = await instanceRow(invokeId);
    return row.InvocationStatus === status && row.Repeats === repeats ? row : undefined;
  }, 10_000, `${status} after ${repeats} runs`);

describe('NextRebootOnly and EveryReboot', () => {
  it('runs a NextRebootOnly task at the next boot only, not on an agent restart', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo booted',
      InstanceId: [local.instanceId],
      RepeatMode: 'NextRebootOnly',
    });
    expect(await instanceRow(InvokeId)).toMatchObject({ InvocationStatus: 'Scheduled', aggregate: 'Scheduled', Repeats: 0 });
    await restartAgent(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await instanceRow(InvokeId)).toMatchObject({ InvocationStatus: 'Scheduled', Repeats: 0 });
    await restartAgent(true);
    const done = await settled(InvokeId, 'Success', 1);
    expect(done).toMatchObject({ Output: 'booted\n', aggregate: 'Success' });
    await restartAgent(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await instanceRow(InvokeId)).toMatchObject({ InvocationStatus: 'Success', Repeats: 1 });
  });

  it('runs an EveryReboot task at every boot, keeps each run in the history, and stops with StopInvocation', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo "boot run"; exit 3',
      InstanceId: [local.instanceId],
      RepeatMode: 'EveryReboot',
    });
    await restartAgent(true);
    await settled(InvokeId, 'Scheduled', 1);
    await restartAgent(true);
    const row = await settled(InvokeId, 'Scheduled', 2);
    expect(row.aggregate).toBe('Scheduled');
    const history = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; ExitCode: number; Output: string }> } } }>(
      'DescribeInvocationResults',
      { InvokeId, IncludeHistory: true, ContentEncoding: 'PlainText' },
    );
    const runs = history.Invocation.InvocationResults.InvocationResult;
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(run).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 3, Output: 'boot run\n' });
    await test.client.call('StopInvocation', { InvokeId });
    expect(await instanceRow(InvokeId)).toMatchObject({ InvocationStatus: 'Cancelled', aggregate: 'Stopped' });
    await restartAgent(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await instanceRow(InvokeId)).toMatchObject({ InvocationStatus: 'Cancelled', Repeats: 2 });
  });
});
