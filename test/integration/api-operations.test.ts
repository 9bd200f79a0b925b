import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.js';
import { startServer, type RunningServer } from '../../controlplane/server.js';
import { createLogger } from '../../shared/logger.js';
import { TEST_KEY, removeDir, startLocalAgent, useServerWithAgent, waitFor, waitForResults } from '../support/harness.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const env = useServerWithAgent('ops');

interface CommandsBody {
  TotalCount?: number;
  NextToken: string;
  Commands: { Command: Array<{ CommandId: string; Name: string; CommandContent: string; Timeout: number; Description: string; InvokeTimes: number; ParameterNames: { ParameterName: string[] } }> };
}

describe('commands', () => {
  it('lists saved commands newest first, with * wildcards, paging and PlainText content', async () => {
    const ids: string[] = [];
    for (const name of ['deploy-web', 'deploy-db', 'backup']) {
      const { CommandId } = await env.test.client.call<{ CommandId: string }>('CreateCommand', {
        Name: name,
        Type: 'RunShellScript',
        CommandContent: b64(`echo {{who}} ${name}`),
        EnableParameter: true,
      });
      ids.push(CommandId);
    }
    const deploys = await env.test.client.call<CommandsBody>('DescribeCommands', { Name: 'deploy-*', ContentEncoding: 'PlainText' });
    expect(deploys.Commands.Command.map((c) => c.Name)).toEqual(['deploy-db', 'deploy-web']);
    expect(deploys.Commands.Command[0]!.CommandContent).toBe('echo {{who}} deploy-db');
    expect(deploys.Commands.Command[0]!.ParameterNames.ParameterName).toEqual(['who']);
    const first = await env.test.client.call<CommandsBody>('DescribeCommands', { MaxResults: 2 });
    expect(first.TotalCount).toBeUndefined();
    expect(first.Commands.Command.map((c) => c.CommandId)).toEqual([ids[2], ids[1]]);
    const second = await env.test.client.call<CommandsBody>('DescribeCommands', { MaxResults: 2, NextToken: first.NextToken });
    expect(second.Commands.Command.map((c) => c.CommandId)).toContain(ids[0]);
    const publicOnes = await env.test.client.call<CommandsBody>('DescribeCommands', { Provider: 'AlibabaCloud' });
    expect(publicOnes.Commands.Command).toEqual([]);
    // Runs of * are one *; a pattern longer than SQLite's LIKE takes matches nothing (it was a 500).
    const starred = await env.test.client.call<CommandsBody>('DescribeCommands', { Name: `${'*'.repeat(60_000)}deploy-${'*'.repeat(60_000)}`, ContentEncoding: 'PlainText' });
    expect(starred.Commands.Command.map((c) => c.Name)).toEqual(['deploy-db', 'deploy-web']);
    for (const name of [`*${'a'.repeat(50_000)}`, `${'_*'.repeat(25_000)}`]) {
      const tooLong = await env.test.client.call<CommandsBody>('DescribeCommands', { Name: name, Description: name });
      expect(tooLong.Commands.Command).toEqual([]);
    }
  });

  it('modifies a command and keeps its content', async () => {
    const { CommandId } = await env.test.client.call<{ CommandId: string }>('CreateCommand', { Name: 'm', Type: 'RunShellScript', CommandContent: b64('true') });
    await env.test.client.call('ModifyCommand', { CommandId, Name: 'renamed', Description: 'd', Timeout: 120, CommandContent: b64('false') });
    const body = await env.test.client.call<CommandsBody>('DescribeCommands', { CommandId, ContentEncoding: 'PlainText' });
    expect(body.Commands.Command[0]).toMatchObject({ Name: 'renamed', Description: 'd', Timeout: 120, CommandContent: 'true' });
  });

  it('refuses to delete a command while it runs, then deletes it', async () => {
    const { CommandId } = await env.test.client.call<{ CommandId: string }>('CreateCommand', { Name: 'slow', Type: 'RunShellScript', CommandContent: b64('sleep 2') });
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId, InstanceId: [env.local.instanceId] });
    await expect(env.test.client.call('DeleteCommand', { CommandId })).rejects.toMatchObject({ status: 403, code: 'InvalidCommand.Running' });
    await waitForResults(env.test.client, InvokeId);
    await env.test.client.call('DeleteCommand', { CommandId });
    await expect(env.test.client.call('InvokeCommand', { CommandId, InstanceId: [env.local.instanceId] })).rejects.toMatchObject({ code: 'InvalidCmdId.NotFound' });
    const history = await env.test.client.call<{ TotalCount: number }>('DescribeInvocations', { InvokeId });
    expect(history.TotalCount).toBe(1);
  });
});

describe('ClientToken idempotency', () => {
  it('returns the first result for a repeated token and refuses changed parameters', async () => {
    const params = { Type: 'RunShellScript', CommandContent: 'echo once', InstanceId: [env.local.instanceId], ClientToken: 'token-1' };
    const first = await env.test.client.call<{ InvokeId: string; CommandId: string }>('RunCommand', params);
    const again = await env.test.client.call<{ InvokeId: string; CommandId: string }>('RunCommand', params);
    expect(again).toMatchObject({ InvokeId: first.InvokeId, CommandId: first.CommandId });
    await expect(env.test.client.call('RunCommand', { ...params, CommandContent: 'echo twice' })).rejects.toMatchObject({
      status: 403,
      code: 'IdempotentParameterMismatch',
    });
    const listed = await env.test.client.call<{ TotalCount: number }>('DescribeInvocations', { CommandId: first.CommandId });
    expect(listed.TotalCount).toBe(1);
  });
});

describe('activations and managed instances', () => {
  it('describes, disables and deletes activations', async () => {
    const { ActivationId, ActivationCode } = await env.test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {
      Description: 'lab',
      InstanceName: 'lab',
      InstanceCount: 5,
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'qa',
    });
    const listed = await env.test.client.call<{ ActivationList: Array<Record<string, unknown>> }>('DescribeActivations', { ActivationId });
    expect(listed.ActivationList).toEqual([
      expect.objectContaining({ ActivationId, Description: 'lab', InstanceCount: 5, RegisteredCount: 0, Disabled: false, Tags: [{ TagKey: 'team', TagValue: 'qa' }] }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(ActivationCode);
    const disabled = await env.test.client.call<{ Activation: { Disabled: boolean } }>('DisableActivation', { ActivationId });
    expect(disabled.Activation.Disabled).toBe(true);
    const deleted = await env.test.client.call<{ Activation: { ActivationId: string } }>('DeleteActivation', { ActivationId });
    expect(deleted.Activation.ActivationId).toBe(ActivationId);
    await expect(env.test.client.call('DisableActivation', { ActivationId })).rejects.toMatchObject({ status: 404, code: 'InvalidActivationId.NotFound' });
  });

  it('renames and deregisters a managed instance, whose agent is then refused', async () => {
    const extra = await startLocalAgent(env.test, 'temp');
    const renamed = await env.test.client.call<{ Instance: { InstanceName: string } }>('ModifyManagedInstance', { InstanceId: extra.instanceId, InstanceName: 'renamed' });
    expect(renamed.Instance.InstanceName).toBe('renamed');
    const activationId = (await env.test.client.call<{ Instances: Array<{ ActivationId: string }> }>('DescribeManagedInstances', { InstanceId: [extra.instanceId] })).Instances[0]!.ActivationId;
    await expect(env.test.client.call('DeleteActivation', { ActivationId: activationId })).rejects.toMatchObject({ code: 'ActivationInUse' });
    const gone = await env.test.client.call<{ Instance: { InstanceId: string } }>('DeregisterManagedInstance', { InstanceId: extra.instanceId });
    expect(gone.Instance.InstanceId).toBe(extra.instanceId);
    await expect(extra.agent.fatal).resolves.toMatch(/deregistered/);
    const listed = await env.test.client.call<{ Instances: unknown[] }>('DescribeManagedInstances', { InstanceId: [extra.instanceId] });
    expect(listed.Instances).toEqual([]);
    await expect(env.test.client.call('DeregisterManagedInstance', { InstanceId: extra.instanceId })).rejects.toMatchObject({
      status: 404,
      code: 'InvalidInstance.NotFound',
      message: expect.stringContaining('The specified instance id does not exist.'),
    });
    const activation = await env.test.client.call<{ ActivationList: Array<{ DeregisteredCount: number }> }>('DescribeActivations', { ActivationId: activationId });
    expect(activation.ActivationList[0]!.DeregisteredCount).toBe(1);
    removeDir(extra.stateDir);
  });

  it('lists the regions', async () => {
    const body = await env.test.client.call<{ Regions: { Region: Array<{ RegionId: string }> } }>('DescribeRegions', {});
    expect(body.Regions.Region.map((r) => r.RegionId)).toContain('cn-hangzhou');
  });
});

describe('quotas', () => {
  let server: RunningServer;
  let client: ApiClient;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casim-quota-'));
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: dir,
      accessKeys: [TEST_KEY],
      logger: createLogger('test-controlplane'),
      quotas: { commandsPerRegion: 1, invocationsPerDay: 1, activationsPerRegion: 1, instancesPerCall: 2 },
    });
    client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
  });
  afterAll(async () => {
    await server?.close();
    removeDir(dir);
  });

  it('gives CmdCount.ExceedQuota, ActivationCount.ExceedLimit, InstanceIds.ExceedLimit and Invocation.ExceedQuota at the configured limits', async () => {
    await client.call('CreateCommand', { Name: 'one', Type: 'RunShellScript', CommandContent: b64('true') });
    await expect(client.call('CreateCommand', { Name: 'two', Type: 'RunShellScript', CommandContent: b64('true') })).rejects.toMatchObject({
      status: 403,
      code: 'CmdCount.ExceedQuota',
    });
    const { ActivationId, ActivationCode } = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
    await expect(client.call('CreateActivation', {})).rejects.toMatchObject({ status: 400, code: 'ActivationCount.ExceedLimit', message: expect.stringContaining('limit of 1') });
    const { Agent } = await import('../../agent/agent.js');
    const agent = new Agent({ server: server.url, stateDir: join(dir, 'agent'), activation: { id: ActivationId, code: ActivationCode }, logger: createLogger('test-agent') });
    agent.start();
    const instanceId = await waitFor(() => agent.instanceId, 10_000, 'registration');
    await expect(client.call('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [instanceId, 'i-2', 'i-3'] })).rejects.toMatchObject({
      status: 403,
      code: 'InstanceIds.ExceedLimit',
    });
    await client.call('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [instanceId] });
    await expect(client.call('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [instanceId] })).rejects.toMatchObject({
      status: 403,
      code: 'Invocation.ExceedQuota',
    });
    agent.stop();
  });
});
