/**
 * Issue 9 §4: ResourceGroupId. Instances belong to a group (RunInstances, CreateActivation for
 * the instances it registers, else the default group); InvokeCommand, RunCommand and SendFile
 * with ResourceGroupId target only its members; an unknown group is 404
 * InvalidResourceGroup.NotFound (seed 003).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCE_GROUP_ID } from '../../controlplane/instances/resource-groups.js';
import { FakeFleet } from '../support/fake-fleet.js';
import { removeDir, startLocalAgent, startTestServer, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';

let test: TestServer;
/** A managed instance registered with an activation in rg-team. */
let teamAgent: LocalAgent;
/** ECS instances (fake fleet), both tagged role=web: one in rg-web, one in the default group. */
let webEcs: string;
let defaultEcs: string;
let commandId: string;
const targetDir = mkdtempSync(join(tmpdir(), 'casim-rg-'));

beforeAll(async () => {
  test = await startTestServer({ fleet: new FakeFleet() });
  teamAgent = await startLocalAgent(test, 'team-host', { ResourceGroupId: 'rg-team' });
  const ran = async (extra: Record<string, string>): Promise<string> =>
    (await test.client.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { Amount: 1, 'Tag.1.Key': 'role', 'Tag.1.Value': 'web', ...extra })).InstanceIdSets.InstanceIdSet[0]!;
  webEcs = await ran({ ResourceGroupId: 'rg-web' });
  defaultEcs = await ran({});
  ({ CommandId: commandId } = await test.client.call<{ CommandId: string }>('CreateCommand', { Name: 'rg', Type: 'RunShellScript', CommandContent: Buffer.from('echo in-group').toString('base64') }));
});

afterAll(async () => {
  teamAgent?.agent.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (teamAgent) removeDir(teamAgent.stateDir);
  removeDir(targetDir);
});

describe('instances belong to a resource group', () => {
  it('a managed instance gets the group of its activation', async () => {
    const body = await test.client.call<{ Instances: Array<{ InstanceId: string; ResourceGroupId: string }> }>('DescribeManagedInstances', { ResourceGroupId: 'rg-team' });
    expect(body.Instances).toEqual([expect.objectContaining({ InstanceId: teamAgent.instanceId, ResourceGroupId: 'rg-team' })]);
    expect((await test.client.call<{ Instances: unknown[] }>('DescribeManagedInstances', { ResourceGroupId: DEFAULT_RESOURCE_GROUP_ID })).Instances).toEqual([]);
  });

  it('an ECS instance gets the group RunInstances gave it, else the default group', async () => {
    const body = await test.client.call<{ Instances: { Instance: Array<{ InstanceId: string; ResourceGroupId: string }> } }>('DescribeInstances', {});
    const groups = Object.fromEntries(body.Instances.Instance.map((i) => [i.InstanceId, i.ResourceGroupId]));
    expect(groups).toEqual({ [webEcs]: 'rg-web', [defaultEcs]: DEFAULT_RESOURCE_GROUP_ID });
    const inWeb = await test.client.call<{ Instances: { Instance: Array<{ InstanceId: string }> } }>('DescribeInstances', { ResourceGroupId: 'rg-web' });
    expect(inWeb.Instances.Instance.map((i) => i.InstanceId)).toEqual([webEcs]);
  });
});

describe('InvokeCommand, RunCommand and SendFile with ResourceGroupId', () => {
  it('run on a member, and the invocation is found by its group', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId: commandId, InstanceId: [teamAgent.instanceId], ResourceGroupId: 'rg-team' });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'in-group\n' });
    const listed = await test.client.call<{ Invocations: { Invocation: Array<{ InvokeId: string; ResourceGroupId: string }> } }>('DescribeInvocations', { ResourceGroupId: 'rg-team' });
    expect(listed.Invocations.Invocation.map((i) => [i.InvokeId, i.ResourceGroupId])).toEqual([[InvokeId, 'rg-team']]);
  });

  it('the default group holds the instances made without one', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [defaultEcs], ResourceGroupId: DEFAULT_RESOURCE_GROUP_ID });
    expect(InvokeId).toMatch(/^t-/);
  });

  it.each([
    ['InvokeCommand', () => ({ CommandId: commandId, InstanceId: [teamAgent.instanceId], ResourceGroupId: 'rg-web' }), 'The specified instance does not exist.'],
    ['RunCommand', () => ({ Type: 'RunShellScript', CommandContent: 'true', InstanceId: [teamAgent.instanceId, webEcs], ResourceGroupId: 'rg-web' }), 'The specified instance does not exist.'],
    ['SendFile', () => ({ InstanceId: [teamAgent.instanceId], Name: 'f', TargetDir: targetDir, Content: 'x', ResourceGroupId: DEFAULT_RESOURCE_GROUP_ID }), 'The specified instances not found.'],
  ])('%s refuses an instance outside the group with 404 InvalidInstance.NotFound', async (action, params, message) => {
    const { status, text } = await test.client.send(action, params(), 'JSON');
    expect({ status, ...pick(JSON.parse(text) as Record<string, unknown>) }).toEqual({ status: 404, Code: 'InvalidInstance.NotFound', Message: message });
  });

  it('SendFile delivers to a member', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('SendFile', { InstanceId: [teamAgent.instanceId], Name: 'f.txt', TargetDir: targetDir, Content: 'x', ResourceGroupId: 'rg-team' });
    expect(InvokeId).toMatch(/^f-/);
  });

  it('ResourceTag.N selects only the tagged instances in the group', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId: commandId, 'ResourceTag.1.Key': 'role', 'ResourceTag.1.Value': 'web', ResourceGroupId: 'rg-web' });
    const body = await test.client.call<{ Invocations: { Invocation: Array<{ InvokeInstances: { InvokeInstance: Array<{ InstanceId: string }> } }> } }>('DescribeInvocations', { InvokeId });
    expect(body.Invocations.Invocation[0]!.InvokeInstances.InvokeInstance.map((i) => i.InstanceId)).toEqual([webEcs]);
  });

  it.each([
    ['InvokeCommand', () => ({ CommandId: commandId, InstanceId: [teamAgent.instanceId], ResourceGroupId: 'rg-nope' })],
    ['RunCommand', () => ({ Type: 'RunShellScript', CommandContent: 'true', KeepCommand: true, InstanceId: [teamAgent.instanceId], ResourceGroupId: 'rg-nope' })],
    ['SendFile', () => ({ InstanceId: [teamAgent.instanceId], Name: 'f', TargetDir: targetDir, Content: 'x', ResourceGroupId: 'rg-nope' })],
  ])('%s with a group that does not exist: 404 InvalidResourceGroup.NotFound, nothing stored', async (action, params) => {
    const before = (await test.client.call<{ TotalCount: number }>('DescribeCommands', {})).TotalCount;
    const { status, text } = await test.client.send(action, params(), 'JSON');
    expect({ status, ...pick(JSON.parse(text) as Record<string, unknown>) }).toEqual({
      status: 404,
      Code: 'InvalidResourceGroup.NotFound',
      Message: 'The ResourceGroup provided does not exist in our records.',
    });
    expect((await test.client.call<{ TotalCount: number }>('DescribeCommands', {})).TotalCount).toBe(before);
    expect((await test.client.call<{ Invocations: { Invocation: unknown[] } }>('DescribeInvocations', { ResourceGroupId: 'rg-nope' })).Invocations.Invocation).toEqual([]);
  });
});

function pick(body: Record<string, unknown>): { Code: unknown; Message: unknown } {
  return { Code: body.Code, Message: body.Message };
}
