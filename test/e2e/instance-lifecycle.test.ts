import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCallError, Params } from '../../cli/api-client.js';
import { docker, execIn, instanceContainer, removeContainersOfInstances, skipDocker, useCasimContainer, waitForAgentStatus } from '../support/docker.js';
import { waitFor } from '../support/harness.js';
import { FINAL_STATUSES } from '../../controlplane/invocations/aggregate-status.js';

/**
 * The instance lifecycle on Docker instances (issue "Schedules, reboots and the instance
 * lifecycle"; spec §3 "instances must be Running", §7.4 ExecutionInterrupted / InstanceReleased,
 * §13, §20): StopInstance / StartInstance / DeleteInstance and what they do to the container, the
 * agent and the runs on it.
 */

interface ResultRow {
  InstanceId: string;
  InvocationStatus: string;
  ErrorCode: string;
  ErrorInfo: string;
  ExitCode: number;
  Output: string;
}

const FINAL = FINAL_STATUSES;

describe.skipIf(skipDocker)('instance lifecycle on Docker instances', () => {
  // The server in a container, through the testcontainers module; instances from its RunInstances.
  const env = useCasimContainer((container) => container);
  const test = { client: env.client };
  /** [stopped, started and deleted] and [deleted with a run in progress]. */
  let ids: string[] = [];
  let main = '';
  let other = '';

  async function failure(action: string, params: Params): Promise<ApiCallError> {
    return test.client.call(action, params).then(
      () => {
        throw new Error(`${action} succeeded, an error was expected`);
      },
      (error: unknown) => error as ApiCallError,
    );
  }

  async function resultOf(invokeId: string): Promise<ResultRow> {
    const body = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: ResultRow[] } } }>('DescribeInvocationResults', {
      InvokeId: invokeId,
      ContentEncoding: 'PlainText',
    });
    const [row] = body.Invocation.InvocationResults.InvocationResult;
    if (!row) throw new Error(`no result for ${invokeId}`);
    return row;
  }

  async function waitStatus(invokeId: string, wanted: (status: string) => boolean, timeoutMs = 60_000): Promise<ResultRow> {
    return waitFor(async () => {
      const row = await resultOf(invokeId);
      return wanted(row.InvocationStatus) ? row : undefined;
    }, timeoutMs, `a status of ${invokeId}`);
  }

  async function runOn(instanceId: string, script: string, params: Params = {}): Promise<string> {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: script,
      InstanceId: [instanceId],
      ...params,
    });
    return InvokeId;
  }

  async function instanceStatus(instanceId: string): Promise<string | undefined> {
    const body = await test.client.call<{ Instances: { Instance: Array<{ InstanceId: string; Status: string }> } }>('DescribeInstances', {
      InstanceIds: JSON.stringify([instanceId]),
    });
    return body.Instances.Instance.find((i) => i.InstanceId === instanceId)?.Status;
  }

  async function containerRunning(instanceId: string): Promise<boolean> {
    const info = await instanceContainer(instanceId);
    if (!info) throw new Error(`no container for ${instanceId}`);
    return (await docker.getContainer(info.Id).inspect()).State.Running;
  }

  beforeAll(async () => {
    const body = await test.client.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { Amount: 2, InstanceName: 'e2e-lifecycle' });
    ids = body.InstanceIdSets.InstanceIdSet;
    [main, other] = ids as [string, string];
    await waitForAgentStatus(test.client, ids, 'true');
  });

  afterAll(async () => {
    await removeContainersOfInstances(ids);
  });

  it('lists a new instance as Running with a running container', async () => {
    expect(await instanceStatus(main)).toBe('Running');
    expect(await containerRunning(main)).toBe(true);
    const filtered = await test.client.call<{ TotalCount: number; Instances: { Instance: Array<{ InstanceId: string }> } }>('DescribeInstances', {
      InstanceIds: JSON.stringify(ids),
      Status: 'Running',
    });
    expect(filtered.Instances.Instance.map((i) => i.InstanceId).sort()).toEqual([...ids].sort());
  });

  it('refuses StartInstance on a running instance with 403 IncorrectInstanceStatus', async () => {
    const error = await failure('StartInstance', { InstanceId: main });
    expect(error.status).toBe(403);
    expect(error.code).toBe('IncorrectInstanceStatus');
    expect(await instanceStatus(main)).toBe('Running');
  });

  it('StopInstance: a run in progress ends Error / ExecutionInterrupted, the container stops, the agent is offline', async () => {
    const invokeId = await runOn(main, 'echo started; sleep 300', { Timeout: 600 });
    await waitStatus(invokeId, (s) => s === 'Running', 30_000);

    await test.client.call('StopInstance', { InstanceId: main });

    expect(await instanceStatus(main)).toBe('Stopped');
    expect(await containerRunning(main)).toBe(false);
    const row = await waitStatus(invokeId, (s) => FINAL.has(s), 30_000);
    expect(row.InvocationStatus).toBe('Error');
    expect(row.ErrorCode).toBe('ExecutionInterrupted');
    expect(row.ErrorInfo).toBe('the command execution has been interrupted');
    await waitForAgentStatus(test.client, [main], 'false', 10_000);
    const stopped = await test.client.call<{ Instances: { Instance: Array<{ InstanceId: string }> } }>('DescribeInstances', {
      InstanceIds: JSON.stringify(ids),
      Status: 'Stopped',
    });
    expect(stopped.Instances.Instance.map((i) => i.InstanceId)).toEqual([main]);
  });

  it('refuses InvokeCommand and RunCommand on a stopped instance with 400 InvalidInstance.NotMatch, storing nothing', async () => {
    const { CommandId } = await test.client.call<{ CommandId: string }>('CreateCommand', {
      Name: 'e2e-lifecycle-id',
      Type: 'RunShellScript',
      CommandContent: Buffer.from('id').toString('base64'),
    });
    const before = await test.client.call<{ TotalCount: number }>('DescribeInvocations', { InstanceId: main });
    const invoke = await failure('InvokeCommand', { CommandId, InstanceId: [main] });
    expect(invoke.status).toBe(400);
    expect(invoke.code).toBe('InvalidInstance.NotMatch');
    // The whole call fails when any one instance does not qualify (spec §3).
    const mixed = await failure('InvokeCommand', { CommandId, InstanceId: [other, main] });
    expect(mixed.code).toBe('InvalidInstance.NotMatch');
    const run = await failure('RunCommand', { Type: 'RunShellScript', CommandContent: 'id', InstanceId: [main] });
    expect(run.status).toBe(400);
    expect(run.code).toBe('InvalidInstance.NotMatch');
    const after = await test.client.call<{ TotalCount: number }>('DescribeInvocations', { InstanceId: main });
    expect(after.TotalCount).toBe(before.TotalCount);
    const others = await test.client.call<{ TotalCount: number }>('DescribeInvocations', { CommandId });
    expect(others.TotalCount).toBe(0);
  });

  it('refuses StopInstance and RebootInstance on a stopped instance with 403 IncorrectInstanceStatus', async () => {
    for (const action of ['StopInstance', 'RebootInstance']) {
      const error = await failure(action, { InstanceId: main });
      expect(error.status, action).toBe(403);
      expect(error.code, action).toBe('IncorrectInstanceStatus');
    }
    expect(await instanceStatus(main)).toBe('Stopped');
  });

  it('StartInstance: Running again, the agent reconnects and runs scripts; the interrupted run is not resumed', async () => {
    await test.client.call('StartInstance', { InstanceId: main });
    expect(await containerRunning(main)).toBe(true);
    await waitFor(async () => ((await instanceStatus(main)) === 'Running' ? true : undefined), 30_000, 'Running');
    await waitForAgentStatus(test.client, [main], 'true', 60_000);

    const invokeId = await runOn(main, 'echo back; hostname');
    const row = await waitStatus(invokeId, (s) => FINAL.has(s), 30_000);
    expect(row.InvocationStatus).toBe('Success');
    expect(row.Output).toBe(`back\n${main}\n`);

    const container = (await instanceContainer(main))!;
    const { output } = await execIn(container.Id, ['ps', '-eo', 'comm']);
    expect(output.split('\n').map((c) => c.trim())).not.toContain('sleep');
  });

  it('DeleteInstance: a run in progress ends Error / InstanceReleased and the container is removed', async () => {
    const invokeId = await runOn(other, 'sleep 300', { Timeout: 600 });
    await waitStatus(invokeId, (s) => s === 'Running', 30_000);

    await test.client.call('DeleteInstance', { InstanceId: other, Force: true });

    expect(await instanceContainer(other)).toBeUndefined();
    const row = await waitStatus(invokeId, (s) => FINAL.has(s), 30_000);
    expect(row.InvocationStatus).toBe('Error');
    expect(row.ErrorCode).toBe('InstanceReleased');
    expect(row.ErrorInfo).toBe('the instance has released when create task');
  });

  // ECS DeleteInstance: without Force=true the instance must be Stopped (IncorrectInstanceStatus).
  it('refuses DeleteInstance without Force on a running instance with 403 IncorrectInstanceStatus', async () => {
    const error = await failure('DeleteInstance', { InstanceId: main });
    expect([error.status, error.code]).toEqual([403, 'IncorrectInstanceStatus']);
    expect(await instanceContainer(main)).toBeDefined();
    expect(await instanceStatus(main)).toBe('Running');
  });

  it('DeleteInstance on a running instance removes its container; later calls give the NotFound codes', async () => {
    // (If the test above found DeleteInstance without Force wrongly accepted, it is gone already.)
    if ((await instanceStatus(main)) !== undefined) await test.client.call('DeleteInstance', { InstanceId: main, Force: true });
    expect(await instanceContainer(main)).toBeUndefined();

    const listed = await test.client.call<{ TotalCount: number }>('DescribeInstances', { InstanceIds: JSON.stringify([main]) });
    expect(listed.TotalCount).toBe(0);

    const status = await failure('DescribeCloudAssistantStatus', { InstanceId: [main] });
    expect([status.status, status.code]).toEqual([404, 'InvalidInstance.NotFound']);
    const run = await failure('RunCommand', { Type: 'RunShellScript', CommandContent: 'id', InstanceId: [main] });
    expect([run.status, run.code]).toEqual([404, 'InvalidInstance.NotFound']);
    for (const action of ['StartInstance', 'StopInstance', 'RebootInstance', 'DeleteInstance']) {
      const error = await failure(action, { InstanceId: main });
      expect([error.status, error.code], action).toEqual([404, 'InvalidInstanceId.NotFound']);
    }
  });
});
