import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docker, execIn, skipDocker, useCasimContainer } from '../support/docker.js';
import { waitForResults } from '../support/harness.js';

// Started as a user's suite starts casim: the testcontainers module (server in casim/server,
// instances in casim/instance on the same engine).
describe.skipIf(skipDocker)('Docker instances from the fleet', () => {
  const env = useCasimContainer((container) => container.withInstances(2, { name: 'e2e' }));

  it('lists each instance as a running ECS instance with an i- ID', async () => {
    const ids = env.casim.instanceIds;
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^i-/);
    const body = await env.casim.api.call<{ TotalCount: number; Instances: { Instance: Array<{ InstanceId: string; InstanceName: string; Status: string }> } }>(
      'DescribeInstances',
      { InstanceIds: JSON.stringify(ids) },
    );
    expect(body.TotalCount).toBe(2);
    expect(body.Instances.Instance.map((i) => i.InstanceName).sort()).toEqual(['e2e-1', 'e2e-2']);
    expect(body.Instances.Instance.map((i) => i.Status)).toEqual(['Running', 'Running']);
  });

  it('runs a script inside each container: writes a file there and prints /etc/os-release', async () => {
    const ids = env.casim.instanceIds;
    const marker = `/root/casim-e2e-${Date.now()}`;
    const { InvokeId } = await env.casim.api.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: `echo "written on $(hostname)" > ${marker}; cat /etc/os-release; echo "host=$(hostname)"`,
      InstanceId: [...ids],
    });
    const results = await waitForResults(env.casim.api, InvokeId, 60_000);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.InvocationStatus).toBe('Success');
      expect(result.Output).toContain('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"');
      expect(result.Output).toContain(`host=${result.InstanceId}\n`);
    }
    expect(existsSync(marker)).toBe(false); // not on the host
    for (const id of ids) {
      const containerId = await env.casim.containerIdOf(id);
      expect(containerId).toBeDefined();
      const { exitCode, output } = await execIn(containerId!, ['cat', marker]);
      expect(exitCode).toBe(0);
      expect(output).toBe(`written on ${id}\n`);
    }
  });

  it('deletes an instance and its container with DeleteInstances', async () => {
    const [victim] = env.casim.instanceIds;
    await env.casim.api.call('DeleteInstances', { InstanceId: [victim!], Force: true });
    const containers = await docker.listContainers({ all: true, filters: { label: [`casim.instance=${victim}`] } });
    expect(containers).toHaveLength(0);
    const error = await env.casim.api.call('DescribeCloudAssistantStatus', { InstanceId: [victim!] }).then(
      () => undefined,
      (e: unknown) => e as { code: string },
    );
    expect(error?.code).toBe('InvalidInstance.NotFound');
  });
});
