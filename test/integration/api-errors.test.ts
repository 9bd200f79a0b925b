import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError, ApiClient, type Params } from '../../cli/api-client.js';
import { removeDir, startLocalAgent, startTestServer, TEST_KEY, type LocalAgent, type TestServer } from '../support/harness.js';

let test: TestServer;
let local: LocalAgent;
let commandId: string;

beforeAll(async () => {
  test = await startTestServer();
  local = await startLocalAgent(test);
  ({ CommandId: commandId } = await test.client.call<{ CommandId: string }>('CreateCommand', {
    Name: 'plain',
    Type: 'RunShellScript',
    CommandContent: Buffer.from('echo hi').toString('base64'),
  }));
});

afterAll(async () => {
  local?.agent.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (local) removeDir(local.stateDir);
});

async function failure(client: ApiClient, action: string, params: Params): Promise<ApiCallError> {
  try {
    await client.call(action, params);
  } catch (error) {
    if (error instanceof ApiCallError) return error;
    throw error;
  }
  throw new Error(`${action} succeeded but should have failed`);
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('documented errors over HTTP', () => {
  const cases: Array<[string, string, () => Params, number, string, RegExp]> = [
    ['CreateCommand', 'without Name', () => ({ Type: 'RunShellScript', CommandContent: b64('x') }), 400, 'MissingParameter.Name', /“Name” that is mandatory/],
    ['CreateCommand', 'with an unknown Type', () => ({ Name: 'n', Type: 'Shell', CommandContent: b64('x') }), 404, 'InvalidCmdType.NotFound', /command type does not exist/],
    ['CreateCommand', 'with content that is not Base64', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: 'not base64!' }), 400, 'CmdContent.DecodeError', /base64/],
    ['CreateCommand', 'with content over 18 KB', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'.repeat(14_000)) }), 403, 'CmdContent.ExceedLimit', /exceeds the upper limit/],
    ['CreateCommand', 'with a 129-character Name', () => ({ Name: 'n'.repeat(129), Type: 'RunShellScript', CommandContent: b64('x') }), 403, 'CmdName.ExceedLimit', /name exceeds/],
    ['CreateCommand', 'with Timeout above the bound', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'), Timeout: 86_401 }), 403, 'InvalidTimeout.ExceedLimit', /Timeout exceeds/],
    ['CreateCommand', 'with a non-numeric Timeout', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'), Timeout: 'soon' }), 400, 'InvalidParameter.Timeout', /Timeout/],
    ['CreateCommand', 'with an empty placeholder', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('echo {{}}'), EnableParameter: true }), 400, 'CmdParam.EmptyKey', /parameter names/],
    ['InvokeCommand', 'with an unknown CommandId', () => ({ CommandId: 'c-nope', InstanceId: [local.instanceId] }), 404, 'InvalidCmdId.NotFound', /command ID does not exist/],
    ['InvokeCommand', 'without instances', () => ({ CommandId: commandId }), 400, 'MissingParam.InstanceId', /instanceId is missing/],
    ['InvokeCommand', 'on an unknown instance', () => ({ CommandId: commandId, InstanceId: ['i-doesnotexist'] }), 404, 'InvalidInstance.NotFound', /instance does not exist/],
    ['InvokeCommand', 'on 101 instances', () => ({ CommandId: commandId, InstanceId: Array.from({ length: 101 }, (_, i) => `i-${i}`) }), 403, 'InstanceIds.ExceedLimit', /upper limit/],
    ['InvokeCommand', 'with Parameters on a command without EnableParameter', () => ({ CommandId: commandId, InstanceId: [local.instanceId], Parameters: '{"a":"b"}' }), 400, 'Parameter.Disabled', /customization function is disabled/],
    ['InvokeCommand', 'with Parameters that are not JSON', () => ({ CommandId: commandId, InstanceId: [local.instanceId], Parameters: '[object Object]' }), 400, 'InvalidParameter.Parameters', /Parameters is not valid/],
    ['InvokeCommand', 'with an unknown RepeatMode', () => ({ CommandId: commandId, InstanceId: [local.instanceId], RepeatMode: 'Sometimes' }), 404, 'InvalidRepeatMode.NotFound', /repeat mode/],
    ['InvokeCommand', 'with Period but no Frequency', () => ({ CommandId: commandId, InstanceId: [local.instanceId], RepeatMode: 'Period' }), 400, 'MissingParam.Frequency', /frequency must be specified/],
    ['InvokeCommand', 'with a malformed ContainerId', () => ({ CommandId: commandId, InstanceId: [local.instanceId], ContainerId: 'abc' }), 400, 'InvalidContainerId.Malformed', /ContainerId/],
    ['RunCommand', 'with a Windows command type on a Linux instance', () => ({ Type: 'RunBatScript', CommandContent: 'dir', InstanceId: [local.instanceId] }), 400, 'InvalidInstance.NotMatch', /does not match/],
    ['RunCommand', 'with a 256-character Username', () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId], Username: 'u'.repeat(256) }), 403, 'Username.ExceedLimit', /username/],
    ['DescribeInvocations', 'with PageSize 51', () => ({ PageSize: 51 }), 400, 'InvalidParam.PageSize', /invalid/],
    ['DescribeInvocations', 'with a bad NextToken', () => ({ NextToken: '!!' }), 400, 'InvalidParameter.NextToken', /NextToken/],
    ['DescribeInvocationResults', 'with MaxResults 0', () => ({ MaxResults: 0 }), 400, 'InvalidParameter.MaxResults', /MaxResults/],
    ['DescribeCloudAssistantStatus', 'for an unknown instance', () => ({ InstanceId: ['i-unknown'] }), 404, 'InvalidInstance.NotFound', /does not exist/],
    ['CreateActivation', 'with TimeToLiveInHours 5', () => ({ TimeToLiveInHours: 5 }), 400, 'ActivationTTL.ExceedLimit', /limit of 4/],
    ['CreateActivation', 'with InstanceCount 1001', () => ({ InstanceCount: 1001 }), 400, 'ActivationLimitation.Invalid', /limit of 1000/],
    ['CreateActivation', 'with a bad IpAddressRange', () => ({ IpAddressRange: 'somewhere' }), 400, 'AddressRange.InvalidPattern', /cidr/],
    ['DescribeManagedInstances', 'with a duplicate tag key', () => ({ 'Tag.1.Key': 'a', 'Tag.2.Key': 'a' }), 400, 'Duplicate.TagKey', /duplicate key/],
    ['NoSuchAction', 'for an unknown Action', () => ({}), 404, 'InvalidAction.NotFound', /api is not found/],
  ];

  it.each(cases)('%s %s gives %i %s', async (action, _what, params, status, code, message) => {
    const error = await failure(test.client, action, params());
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('gives 404 InvalidRegionId.NotFound for an unknown region', async () => {
    const client = new ApiClient({ server: test.server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'xx-nowhere-1' });
    const error = await failure(client, 'DescribeInvocations', {});
    expect([error.status, error.code]).toEqual([404, 'InvalidRegionId.NotFound']);
  });

  it('gives 400 SignatureDoesNotMatch for a wrong secret', async () => {
    const client = new ApiClient({ server: test.server.url, accessKeyId: TEST_KEY.id, accessKeySecret: 'wrong', regionId: 'cn-hangzhou' });
    const error = await failure(client, 'DescribeInvocations', {});
    expect([error.status, error.code]).toEqual([400, 'SignatureDoesNotMatch']);
    expect(error.message).toMatch(/server string to sign is:POST&%2F&/);
  });

  it('gives 404 InvalidAccessKeyId.NotFound for an unknown key', async () => {
    const client = new ApiClient({ server: test.server.url, accessKeyId: 'nobody', accessKeySecret: 'x', regionId: 'cn-hangzhou' });
    const error = await failure(client, 'DescribeInvocations', {});
    expect([error.status, error.code]).toEqual([404, 'InvalidAccessKeyId.NotFound']);
  });

  it('answers an unsigned request with 400 and a JSON error, not a crash', async () => {
    const response = await fetch(`${test.server.url}/?Action=DescribeInvocations`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ Code: 'IncompleteSignature', HostId: 'ecs.aliyuncs.com' });
    expect(Object.keys(body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  });

  it('stores nothing when a call is refused', async () => {
    const before = await test.client.call<{ TotalCount: number }>('DescribeInvocations', {});
    await failure(test.client, 'RunCommand', { Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId, 'i-missing'] });
    const after = await test.client.call<{ TotalCount: number }>('DescribeInvocations', {});
    expect(after.TotalCount).toBe(before.TotalCount);
  });
});
