import { XMLParser } from 'fast-xml-parser';
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
  const cases: Array<[string, string, number, string, () => Params, RegExp]> = [
    ['CreateCommand', 'without Name', 400, 'MissingParameter.Name', () => ({ Type: 'RunShellScript', CommandContent: b64('x') }), /“Name” that is mandatory/],
    ['CreateCommand', 'with an unknown Type', 404, 'InvalidCmdType.NotFound', () => ({ Name: 'n', Type: 'Shell', CommandContent: b64('x') }), /command type does not exist/],
    ['CreateCommand', 'with content that is not Base64', 400, 'CmdContent.DecodeError', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: 'not base64!' }), /base64/],
    ['CreateCommand', 'with content over 18 KB', 403, 'CmdContent.ExceedLimit', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'.repeat(14_000)) }), /exceeds the upper limit/],
    ['CreateCommand', 'with a 129-character Name', 403, 'CmdName.ExceedLimit', () => ({ Name: 'n'.repeat(129), Type: 'RunShellScript', CommandContent: b64('x') }), /name exceeds/],
    ['CreateCommand', 'with Timeout above the bound', 403, 'InvalidTimeout.ExceedLimit', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'), Timeout: 86_401 }), /Timeout exceeds/],
    ['CreateCommand', 'with a non-numeric Timeout', 400, 'InvalidParameter.Timeout', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'), Timeout: 'soon' }), /Timeout/],
    ['CreateCommand', 'with an empty placeholder', 400, 'CmdParam.EmptyKey', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('echo {{}}'), EnableParameter: true }), /parameter names/],
    ['InvokeCommand', 'with an unknown CommandId', 404, 'InvalidCmdId.NotFound', () => ({ CommandId: 'c-nope', InstanceId: [local.instanceId] }), /command ID does not exist/],
    ['InvokeCommand', 'without instances', 400, 'MissingParam.InstanceId', () => ({ CommandId: commandId }), /instanceId is missing/],
    ['InvokeCommand', 'on an unknown instance', 404, 'InvalidInstance.NotFound', () => ({ CommandId: commandId, InstanceId: ['i-doesnotexist'] }), /instance does not exist/],
    ['InvokeCommand', 'on 101 instances', 403, 'InstanceIds.ExceedLimit', () => ({ CommandId: commandId, InstanceId: Array.from({ length: 101 }, (_, i) => `i-${i}`) }), /upper limit/],
    ['InvokeCommand', 'with Parameters on a command without EnableParameter', 400, 'Parameter.Disabled', () => ({ CommandId: commandId, InstanceId: [local.instanceId], Parameters: '{"a":"b"}' }), /customization function is disabled/],
    ['InvokeCommand', 'with Parameters that are not JSON', 400, 'InvalidParameter.Parameters', () => ({ CommandId: commandId, InstanceId: [local.instanceId], Parameters: '[object Object]' }), /Parameters is not valid/],
    ['InvokeCommand', 'with an unknown RepeatMode', 404, 'InvalidRepeatMode.NotFound', () => ({ CommandId: commandId, InstanceId: [local.instanceId], RepeatMode: 'Sometimes' }), /repeat mode/],
    ['InvokeCommand', 'with Period but no Frequency', 400, 'MissingParam.Frequency', () => ({ CommandId: commandId, InstanceId: [local.instanceId], RepeatMode: 'Period' }), /frequency must be specified/],
    ['InvokeCommand', 'with a malformed ContainerId', 400, 'InvalidContainerId.Malformed', () => ({ CommandId: commandId, InstanceId: [local.instanceId], ContainerId: 'abc' }), /ContainerId/],
    ['InvokeCommand', 'with an unknown runtime prefix on ContainerId', 400, 'InvalidContainerId.Malformed', () => ({ CommandId: commandId, InstanceId: [local.instanceId], ContainerId: `podman://${'a'.repeat(64)}` }), /ContainerId/],
    ['InvokeCommand', 'with a malformed ContainerName', 400, 'InvalidContainerName.Malformed', () => ({ CommandId: commandId, InstanceId: [local.instanceId], ContainerName: '-web' }), /ContainerName/],
    ['RunCommand', 'with a Windows command type on a Linux instance', 400, 'InvalidInstance.NotMatch', () => ({ Type: 'RunBatScript', CommandContent: 'dir', InstanceId: [local.instanceId] }), /does not match/],
    ['RunCommand', 'with a 256-character Username', 403, 'Username.ExceedLimit', () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId], Username: 'u'.repeat(256) }), /username/],
    ['DescribeInvocations', 'with PageSize 51', 400, 'InvalidParam.PageSize', () => ({ PageSize: 51 }), /invalid/],
    ['DescribeInvocations', 'with a bad NextToken', 400, 'InvalidParameter.NextToken', () => ({ NextToken: '!!' }), /NextToken/],
    ['DescribeInvocationResults', 'with MaxResults 0', 400, 'InvalidParameter.MaxResults', () => ({ MaxResults: 0 }), /MaxResults/],
    ['DescribeCloudAssistantStatus', 'for an unknown instance', 404, 'InvalidInstance.NotFound', () => ({ InstanceId: ['i-unknown'] }), /does not exist/],
    ['CreateActivation', 'with TimeToLiveInHours 5', 400, 'ActivationTTL.ExceedLimit', () => ({ TimeToLiveInHours: 5 }), /limit of 4/],
    ['CreateActivation', 'with InstanceCount 1001', 400, 'ActivationLimitation.Invalid', () => ({ InstanceCount: 1001 }), /limit of 1000/],
    ['CreateActivation', 'with a bad IpAddressRange', 400, 'AddressRange.InvalidPattern', () => ({ IpAddressRange: 'somewhere' }), /cidr/],
    ['DescribeManagedInstances', 'with a duplicate tag key', 400, 'Duplicate.TagKey', () => ({ 'Tag.1.Key': 'a', 'Tag.2.Key': 'a' }), /duplicate key/],
    ['NoSuchAction', 'for an unknown Action', 404, 'InvalidAction.NotFound', () => ({}), /api is not found/],
  ];

  it.each(cases)('%s %s gives %i %s', async (action, _what, status, code, params, message) => {
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

  it('answers an unsigned request with 400 and a JSON error when Format=JSON, not a crash', async () => {
    const response = await fetch(`${test.server.url}/?Action=DescribeInvocations&Format=JSON`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ Code: 'IncompleteSignature', HostId: 'ecs.aliyuncs.com' });
    expect(Object.keys(body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  });

  it('answers in XML, the ECS default, when neither Format nor accept asks for JSON', async () => {
    const response = await fetch(`${test.server.url}/?Action=DescribeInvocations`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/xml;charset=utf-8');
    const parsed = new XMLParser().parse(await response.text()) as { Error: Record<string, unknown> };
    expect(parsed.Error).toMatchObject({ Code: 'IncompleteSignature', HostId: 'ecs.aliyuncs.com' });
    expect(String(parsed.Error.RequestId)).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('renders a success body as XML under <ActionResponse> with repeated list elements', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId: commandId, InstanceId: [local.instanceId] });
    const { status, text } = await test.client.send('DescribeInvocations', { InvokeId }, 'XML');
    expect(status).toBe(200);
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?><DescribeInvocationsResponse>')).toBe(true);
    const parsed = new XMLParser({ isArray: (name) => ['Invocation', 'InvokeInstance'].includes(name) }).parse(text) as {
      DescribeInvocationsResponse: { TotalCount: number; Invocations: { Invocation: Array<{ InvokeId: string; InvokeInstances: { InvokeInstance: Array<{ InstanceId: string }> } }> } };
    };
    const body = parsed.DescribeInvocationsResponse;
    expect(body.TotalCount).toBe(1);
    expect(body.Invocations.Invocation[0]!.InvokeId).toBe(InvokeId);
    expect(body.Invocations.Invocation[0]!.InvokeInstances.InvokeInstance[0]!.InstanceId).toBe(local.instanceId);
  });

  it('stores nothing when a call is refused', async () => {
    const before = await test.client.call<{ TotalCount: number }>('DescribeInvocations', {});
    await failure(test.client, 'RunCommand', { Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId, 'i-missing'] });
    const after = await test.client.call<{ TotalCount: number }>('DescribeInvocations', {});
    expect(after.TotalCount).toBe(before.TotalCount);
  });
});
