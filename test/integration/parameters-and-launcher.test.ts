import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startLocalAgent, startTestServer, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';

let test: TestServer;
let local: LocalAgent;

beforeAll(async () => {
  test = await startTestServer();
  local = await startLocalAgent(test, 'param-host');
});

afterAll(async () => {
  local?.agent.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (local) removeDir(local.stateDir);
});

describe('built-in parameters and Launcher', () => {
  it('resolves {{ACS::…}} built-ins for each instance', async () => {
    const { InvokeId, CommandId } = await test.client.call<{ InvokeId: string; CommandId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo "{{ACS::InstanceId}} {{ACS::InstanceName}} {{ACS::RegionId}} {{ACS::InvokeId}} {{ACS::CommandId}} {{ACS::AccountId}}"',
      InstanceId: [local.instanceId],
      EnableParameter: true,
    });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result!.Output).toBe(`${local.instanceId} param-host cn-hangzhou ${InvokeId} ${CommandId} 1234567890123456\n`);
  });

  it('leaves built-ins alone when EnableParameter is false', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: "echo '{{ACS::InstanceId}}'",
      InstanceId: [local.instanceId],
    });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result!.Output).toBe('{{ACS::InstanceId}}\n');
  });

  it('makes the run Invalid for an unknown ACS:: name, without running it', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo ran; echo {{ACS::OSType}}',
      InstanceId: [local.instanceId],
      EnableParameter: true,
    });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'InvalidEnvironmentParameter', Output: '' });
    expect(result!.ErrorInfo).toContain('ACS::OSType');
  });

  it('refuses {{oos:…}} references with ParameterStore.NotSupported', async () => {
    await expect(
      test.client.call('RunCommand', { Type: 'RunShellScript', CommandContent: 'echo {{oos:db-password}}', InstanceId: [local.instanceId], EnableParameter: true }),
    ).rejects.toMatchObject({ status: 403, code: 'ParameterStore.NotSupported' });
  });

  it('runs a Python script through Launcher with {{ACS::ScriptFileName|Ext(".py")}}', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'import sys, os\nprint("python", sys.version_info[0], os.path.basename(sys.argv[0]).endswith(".py"))',
      Launcher: 'python3 -u {{ACS::ScriptFileName|Ext(".py")}}',
      InstanceId: [local.instanceId],
    });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'python 3 True\n', Launcher: 'python3 -u {{ACS::ScriptFileName|Ext(".py")}}' });
  });
});
