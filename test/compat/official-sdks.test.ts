/**
 * The official SDKs, unchanged, against a real control plane with a real local agent:
 * what users will actually run. Response bodies must come back fully typed.
 */
import * as ecsModule from '@alicloud/ecs20140526';
import RPCClient from '@alicloud/pop-core';
import { describe, expect, it } from 'vitest';
import { TEST_KEY, useServerWithAgent, waitFor } from '../support/harness.js';
import { ecsClient, type EcsClient } from '../support/sdk-clients.js';
import { FINAL_STATUSES } from '../../controlplane/invocations/aggregate-status.js';



const env = useServerWithAgent('compat');

const FINAL = FINAL_STATUSES;

async function pollWithEcs(client: EcsClient, invokeId: string) {
  return waitFor(async () => {
    const response = await client.describeInvocationResults(
      new ecsModule.DescribeInvocationResultsRequest({ regionId: 'cn-hangzhou', invokeId, contentEncoding: 'PlainText' }),
    );
    const result = response.body?.invocation?.invocationResults?.invocationResult?.[0];
    return result && FINAL.has(result.invocationStatus ?? '') ? { response, result } : undefined;
  });
}

describe.each([
  ['ACS3-HMAC-SHA256 (default)', undefined],
  ["HMAC-SHA1 (signatureAlgorithm 'v2')", 'v2'],
])('@alicloud/ecs20140526 7.x with %s', (_name, algorithm) => {
  it('creates a command, invokes it, polls and reads typed results', async () => {
    const client = ecsClient(env.test.server.port, algorithm);
    const created = await client.createCommand(
      new ecsModule.CreateCommandRequest({
        regionId: 'cn-hangzhou',
        name: 'sdk-compat',
        type: 'RunShellScript',
        commandContent: Buffer.from('echo "hi {{who}}"; exit 3').toString('base64'),
        enableParameter: true,
        timeout: 30,
      }),
    );
    const commandId = created.body?.commandId ?? '';
    expect(commandId).toMatch(/^c-/);
    expect(created.statusCode).toBe(200);

    const invoked = await client.invokeCommand(
      new ecsModule.InvokeCommandRequest({ regionId: 'cn-hangzhou', commandId, instanceId: [env.local.instanceId], parameters: { who: 'sdk' } }),
    );
    const invokeId = invoked.body?.invokeId ?? '';
    expect(invokeId).toMatch(/^t-/);

    const { result } = await pollWithEcs(client, invokeId);
    expect(result.invocationStatus).toBe('Failed');
    expect(result.exitCode).toBe(3);
    expect(result.errorCode).toBe('ExitCodeNonzero');
    expect(result.output).toBe('hi sdk\n');
    expect(result.dropped).toBe(0);
    expect(result.repeats).toBe(1);
    expect(result.instanceId).toBe(env.local.instanceId);

    const listed = await client.describeInvocations(
      new ecsModule.DescribeInvocationsRequest({ regionId: 'cn-hangzhou', invokeId, includeOutput: true, contentEncoding: 'PlainText' }),
    );
    const invocation = listed.body?.invocations?.invocation?.[0];
    expect(invocation?.invocationStatus).toBe('Failed');
    expect(invocation?.parameters).toBe('{"who":"sdk"}');
    expect(invocation?.timeout).toBe(30);
    expect(invocation?.invokeInstances?.invokeInstance?.[0]?.output).toBe('hi sdk\n');
    expect(listed.body?.totalCount).toBe(1);
  });

  it('runs RunCommand and lists the instance as online', async () => {
    const client = ecsClient(env.test.server.port, algorithm);
    const ran = await client.runCommand(
      new ecsModule.RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: 'uname -s', instanceId: [env.local.instanceId] }),
    );
    const { result } = await pollWithEcs(client, ran.body?.invokeId ?? '');
    expect(result.invocationStatus).toBe('Success');
    expect(result.output).toBe('Linux\n');
    const status = await client.describeCloudAssistantStatus(
      new ecsModule.DescribeCloudAssistantStatusRequest({ regionId: 'cn-hangzhou', instanceId: [env.local.instanceId] }),
    );
    const row = status.body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus?.[0];
    expect(row?.cloudAssistantStatus).toBe('true');
    expect(row?.OSType).toBe('Linux');
    const managed = await client.describeManagedInstances(new ecsModule.DescribeManagedInstancesRequest({ regionId: 'cn-hangzhou' }));
    expect(managed.body?.instances?.map((i) => i.instanceId)).toContain(env.local.instanceId);
    const activation = await client.createActivation(new ecsModule.CreateActivationRequest({ regionId: 'cn-hangzhou', instanceCount: 2 }));
    expect(activation.body?.activationId).toMatch(/^[0-9A-F-]{36}$/);
    expect(activation.body?.activationCode).toMatch(/^a-/);
  });

  it('surfaces InvalidCmdId.NotFound as a 404 error with code, message and request id', async () => {
    const client = ecsClient(env.test.server.port, algorithm);
    const error = await client
      .invokeCommand(new ecsModule.InvokeCommandRequest({ regionId: 'cn-hangzhou', commandId: 'c-missing', instanceId: [env.local.instanceId] }))
      .then(() => undefined, (e: unknown) => e as { code?: string; statusCode?: number; message?: string; data?: Record<string, unknown> });
    expect(error?.code).toBe('InvalidCmdId.NotFound');
    expect(error?.statusCode).toBe(404);
    expect(error?.message).toContain('The specified command ID does not exist.');
    expect(error?.data?.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });
});

describe('@alicloud/pop-core 1.8 RPCClient', () => {
  const pop = (): RPCClient =>
    new RPCClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: env.test.server.url, apiVersion: '2014-05-26' });

  it.each([['POST'], ['GET']])('creates, invokes and polls with %s', async (method) => {
    const options = method === 'POST' ? { method: 'POST' } : {};
    const client = pop();
    const { CommandId } = await client.request<{ CommandId: string }>(
      'CreateCommand',
      { RegionId: 'cn-hangzhou', Name: 'pop', Type: 'RunShellScript', CommandContent: Buffer.from('echo pop-core ok').toString('base64') },
      options,
    );
    const { InvokeId } = await client.request<{ InvokeId: string }>('InvokeCommand', { RegionId: 'cn-hangzhou', CommandId, InstanceId: [env.local.instanceId] }, options);
    const result = await waitFor(async () => {
      const body = await client.request<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; Output: string; ExitCode: number }> } } }>(
        'DescribeInvocationResults',
        { RegionId: 'cn-hangzhou', InvokeId },
        options,
      );
      const row = body.Invocation.InvocationResults.InvocationResult[0];
      return row && FINAL.has(row.InvocationStatus) ? row : undefined;
    });
    expect(result.InvocationStatus).toBe('Success');
    expect(result.ExitCode).toBe(0);
    expect(Buffer.from(result.Output, 'base64').toString()).toBe('pop-core ok\n');
  });

  it('surfaces MissingParam.InstanceId as an error with the code', async () => {
    const error = await pop()
      .request('InvokeCommand', { RegionId: 'cn-hangzhou', CommandId: 'c-any' }, { method: 'POST' })
      .then(() => undefined, (e: unknown) => e as { code?: string; message?: string; name?: string });
    expect(error?.code).toBe('MissingParam.InstanceId');
    expect(error?.name).toBe('MissingParam.InstanceIdError');
    expect(error?.message).toContain('The parameter instanceId is missing or empty.');
  });
});
