import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, execIn, removeInstanceContainers, skipDocker } from '../support/docker.js';
import { removeDir, startTestServer, waitFor, waitForResults, type TestServer } from '../support/harness.js';

describe.skipIf(skipDocker)('Docker instances from the fleet', () => {
  let test: TestServer;
  let ids: string[] = [];

  beforeAll(async () => {
    await removeInstanceContainers();
    test = await startTestServer({ fleet: 'docker' });
    const body = await test.client.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { Amount: 2, InstanceName: 'e2e' });
    ids = body.InstanceIdSets.InstanceIdSet;
    await waitFor(async () => {
      const status = await test.client.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ CloudAssistantStatus: string }> } }>(
        'DescribeCloudAssistantStatus',
        { InstanceId: ids },
      );
      const rows = status.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus;
      return rows.length === 2 && rows.every((r) => r.CloudAssistantStatus === 'true') ? true : undefined;
    }, 60_000, 'instance agents online');
  });

  afterAll(async () => {
    await test?.close();
    if (test) removeDir(test.dataDir);
    await removeInstanceContainers();
  });

  it('lists each instance as a running ECS instance with an i- ID', async () => {
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^i-/);
    const body = await test.client.call<{ TotalCount: number; Instances: { Instance: Array<{ InstanceId: string; InstanceName: string; Status: string }> } }>(
      'DescribeInstances',
      { InstanceIds: JSON.stringify(ids) },
    );
    expect(body.TotalCount).toBe(2);
    expect(body.Instances.Instance.map((i) => i.InstanceName).sort()).toEqual(['e2e-1', 'e2e-2']);
  });

  it('runs a script inside each container: writes a file there and prints /etc/os-release', async () => {
    const marker = `/root/casim-e2e-${Date.now()}`;
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: `echo "written on $(hostname)" > ${marker}; cat /etc/os-release; echo "host=$(hostname)"`,
      InstanceId: ids,
    });
    const results = await waitForResults(test.client, InvokeId, 60_000);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.InvocationStatus).toBe('Success');
      expect(result.Output).toContain('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"');
      expect(result.Output).toContain(`host=${result.InstanceId}\n`);
    }
    expect(existsSync(marker)).toBe(false); // not on the host
    for (const id of ids) {
      const containers = await docker.listContainers({ filters: { label: [`casim.instance=${id}`] } });
      expect(containers).toHaveLength(1);
      const { exitCode, output } = await execIn(containers[0]!.Id, ['cat', marker]);
      expect(exitCode).toBe(0);
      expect(output).toBe(`written on ${id}\n`);
    }
  });

  it('deletes an instance and its container with DeleteInstances', async () => {
    const [victim] = ids;
    await test.client.call('DeleteInstances', { InstanceId: [victim!], Force: true });
    const containers = await docker.listContainers({ all: true, filters: { label: [`casim.instance=${victim}`] } });
    expect(containers).toHaveLength(0);
    const error = await test.client.call('DescribeCloudAssistantStatus', { InstanceId: [victim!] }).then(
      () => undefined,
      (e: unknown) => e as { code: string },
    );
    expect(error?.code).toBe('InvalidInstance.NotFound');
  });
});
