import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startLocalAgent, startTestServer, waitFor, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';

let test: TestServer;
let a: LocalAgent;
let b: LocalAgent;

beforeAll(async () => {
  test = await startTestServer();
  a = await startLocalAgent(test, 'alpha');
  b = await startLocalAgent(test, 'beta');
});

afterAll(async () => {
  a?.agent.stop();
  b?.agent.stop();
  await test?.close();
  for (const dir of [test?.dataDir, a?.stateDir, b?.stateDir]) if (dir) removeDir(dir);
});

interface InvocationsBody {
  TotalCount: number;
  Invocations: { Invocation: Array<Record<string, unknown> & { InvocationStatus: string; InvokeInstances: { InvokeInstance: Array<Record<string, unknown>> } }> };
}

describe('a real invocation on local agents', () => {
  it('runs RunCommand on two instances and reports Success with their output', async () => {
    const { InvokeId, CommandId } = await test.client.call<{ InvokeId: string; CommandId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo hello; echo "cwd=$(pwd)"; id -un',
      InstanceId: [a.instanceId, b.instanceId],
      WorkingDir: '/tmp',
    });
    expect(InvokeId).toMatch(/^t-/);
    expect(CommandId).toMatch(/^c-/);
    const results = await waitForResults(test.client, InvokeId);
    expect(results.map((r) => r.InstanceId).sort()).toEqual([a.instanceId, b.instanceId].sort());
    for (const result of results) {
      expect(result).toMatchObject({ InvocationStatus: 'Success', ExitCode: 0, ErrorCode: '', Dropped: 0, Repeats: 1, InvokeRecordStatus: 'Finished' });
      expect(result.Output).toBe(`hello\ncwd=/tmp\nroot\n`);
      expect(result.StartTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const body = await test.client.call<InvocationsBody>('DescribeInvocations', { InvokeId, IncludeOutput: true });
    expect(body.TotalCount).toBe(1);
    const invocation = body.Invocations.Invocation[0]!;
    expect(invocation).toMatchObject({ InvokeId, CommandId, InvocationStatus: 'Success', InvokeStatus: 'Finished', RepeatMode: 'Once', Parameters: '{}' });
    expect(Buffer.from(String(invocation.CommandContent), 'base64').toString()).toBe('echo hello; echo "cwd=$(pwd)"; id -un');
    expect(invocation.InvokeInstances.InvokeInstance).toHaveLength(2);
    expect(Buffer.from(String(invocation.InvokeInstances.InvokeInstance[0]!.Output), 'base64').toString()).toContain('hello\n');
  });

  it('reports Failed with ExitCodeNonzero and the exit code', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo about to fail >&2; exit 7',
      InstanceId: [a.instanceId],
    });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 7, ErrorCode: 'ExitCodeNonzero', ErrorInfo: 'the command execution exit code is not zero' });
    expect(result!.Output).toBe('about to fail\n');
  });

  it('substitutes {{name}} and <<name>> parameters before dispatch', async () => {
    const content = Buffer.from("echo '{{greeting}}, <<who>>! [{{unset}}]'").toString('base64');
    const { CommandId } = await test.client.call<{ CommandId: string }>('CreateCommand', {
      Name: 'greet',
      Type: 'RunShellScript',
      CommandContent: content,
      EnableParameter: true,
    });
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('InvokeCommand', {
      CommandId,
      InstanceId: [b.instanceId],
      Parameters: JSON.stringify({ greeting: 'Hello', who: 'world; $(id)' }),
    });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success' });
    expect(result!.Output).toBe('Hello, world; $(id)! []\n');
  });

  it('streams output while the script runs', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo first; sleep 3; echo second',
      InstanceId: [a.instanceId],
    });
    const running = await waitFor(async () => {
      const body = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; Output: string }> } } }>(
        'DescribeInvocationResults',
        { InvokeId, ContentEncoding: 'PlainText' },
      );
      const result = body.Invocation.InvocationResults.InvocationResult[0];
      return result && result.InvocationStatus === 'Running' && result.Output === 'first\n' ? result : undefined;
    }, 10_000, 'live output');
    expect(running.Output).toBe('first\n');
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result!.Output).toBe('first\nsecond\n');
  });

  it('times out after Timeout, kills the process tree and sets FinishedTime = StartTime + Timeout', async () => {
    const marker = `/tmp/casim-timeout-${Date.now()}`;
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: `(sleep 15; touch ${marker}) & echo started; sleep 60`,
      InstanceId: [a.instanceId],
      Timeout: 10,
      TerminationMode: 'ProcessTree',
    });
    const [result] = await waitForResults(test.client, InvokeId, 25_000);
    expect(result).toMatchObject({ InvocationStatus: 'Timeout', ErrorCode: 'ExecutionTimeout', ErrorInfo: 'the command execution has been timeout' });
    expect(result!.Output).toBe('started\n');
    expect(Date.parse(String(result!.FinishedTime)) - Date.parse(String(result!.StartTime))).toBe(10_000);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(existsSync(marker)).toBe(false);
  }, 45_000);

  it('stops a running script with StopInvocation: Stopping, then Terminated with the output so far', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo started; sleep 30; echo never',
      InstanceId: [a.instanceId],
    });
    await waitFor(async () => {
      const body = await test.client.call<InvocationsBody>('DescribeInvocations', { InvokeId, IncludeOutput: true, ContentEncoding: 'PlainText' });
      const row = body.Invocations.Invocation[0]?.InvokeInstances.InvokeInstance[0];
      return row?.InvocationStatus === 'Running' && row.Output === 'started\n' ? true : undefined;
    }, 10_000, 'running');
    await test.client.call('StopInvocation', { InvokeId, InstanceId: [a.instanceId] });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Terminated', Output: 'started\n' });
    expect(result!.StopTime).toMatch(/Z$/);
    const body = await test.client.call<InvocationsBody>('DescribeInvocations', { InvokeId });
    expect(body.Invocations.Invocation[0]!.InvocationStatus).toBe('Stopped');
  });

  it('cancels a run that has not started when StopInvocation comes first', async () => {
    const offline = await startLocalAgent(test, 'offline');
    offline.agent.stop();
    await waitFor(() => (test.server.sessions.isConnected(offline.instanceId) ? undefined : true), 5_000, 'disconnect');
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo should-not-run',
      InstanceId: [offline.instanceId],
    });
    const pending = await test.client.call<InvocationsBody>('DescribeInvocations', { InvokeId });
    expect(pending.Invocations.Invocation[0]!.InvocationStatus).toBe('Pending');
    await test.client.call('StopInvocation', { InvokeId });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Cancelled', Output: '' });
    removeDir(offline.stateDir);
  });

  it('refuses StopInvocation for an unknown InvokeId with InvalidInvokeId.NotFound', async () => {
    await expect(test.client.call('StopInvocation', { InvokeId: 't-unknown' })).rejects.toMatchObject({ status: 404, code: 'InvalidInvokeId.NotFound' });
  });

  it('shows both agents online in DescribeCloudAssistantStatus', async () => {
    const body = await test.client.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<Record<string, unknown>> } }>(
      'DescribeCloudAssistantStatus',
      { InstanceId: [a.instanceId, b.instanceId] },
    );
    const rows = body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus;
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ CloudAssistantStatus: 'true', OSType: 'Linux', SupportSessionManager: false });
    const managed = await test.client.call<{ Instances: Array<Record<string, unknown>> }>('DescribeManagedInstances', { InstanceId: [a.instanceId] });
    expect(managed.Instances).toEqual([expect.objectContaining({ InstanceId: a.instanceId, InstanceName: 'alpha', Connected: true })]);
  });

  it('keeps the agent identity in its state dir', () => {
    const identity = JSON.parse(readFileSync(`${a.stateDir}/identity.json`, 'utf8')) as { instanceId: string };
    expect(identity.instanceId).toBe(a.instanceId);
  });
});
