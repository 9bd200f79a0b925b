import { describe, expect, it } from 'vitest';
import { useServerWithAgent, waitForResults } from '../support/harness.js';

const env = useServerWithAgent('param-host');

describe('built-in parameters and Launcher', () => {
  it('resolves {{ACS::…}} built-ins for each instance', async () => {
    const { InvokeId, CommandId } = await env.test.client.call<{ InvokeId: string; CommandId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo "{{ACS::InstanceId}} {{ACS::InstanceName}} {{ACS::RegionId}} {{ACS::InvokeId}} {{ACS::CommandId}} {{ACS::AccountId}}"',
      InstanceId: [env.local.instanceId],
      EnableParameter: true,
    });
    const [result] = await waitForResults(env.test.client, InvokeId);
    expect(result!.Output).toBe(`${env.local.instanceId} param-host cn-hangzhou ${InvokeId} ${CommandId} 1234567890123456\n`);
  });

  it('leaves built-ins alone when EnableParameter is false', async () => {
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: "echo '{{ACS::InstanceId}}'",
      InstanceId: [env.local.instanceId],
    });
    const [result] = await waitForResults(env.test.client, InvokeId);
    expect(result!.Output).toBe('{{ACS::InstanceId}}\n');
  });

  it('makes the run Invalid for an unknown ACS:: name, without running it', async () => {
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo ran; echo {{ACS::OSType}}',
      InstanceId: [env.local.instanceId],
      EnableParameter: true,
    });
    const [result] = await waitForResults(env.test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'InvalidEnvironmentParameter', Output: '' });
    expect(result!.ErrorInfo).toContain('ACS::OSType');
  });

  it('refuses {{oos:…}} references with ParameterStore.NotSupported', async () => {
    await expect(
      env.test.client.call('RunCommand', { Type: 'RunShellScript', CommandContent: 'echo {{oos:db-password}}', InstanceId: [env.local.instanceId], EnableParameter: true }),
    ).rejects.toMatchObject({ status: 403, code: 'ParameterStore.NotSupported' });
  });

  it('runs a Python script through Launcher with {{ACS::ScriptFileName|Ext(".py")}}', async () => {
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'import sys, os\nprint("python", sys.version_info[0], os.path.basename(sys.argv[0]).endswith(".py"))',
      Launcher: 'python3 -u {{ACS::ScriptFileName|Ext(".py")}}',
      InstanceId: [env.local.instanceId],
    });
    const [result] = await waitForResults(env.test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'python 3 True\n', Launcher: 'python3 -u {{ACS::ScriptFileName|Ext(".py")}}' });
  });
});
