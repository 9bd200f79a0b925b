import { createConnection } from 'node:net';
import * as $Ecs from '@alicloud/ecs20140526';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCasim, type LocalCasim } from '../../testkit/index.js';
import { waitForResults } from '../support/harness.js';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('startCasim(): casim in this process, without Docker', () => {
  let casim: LocalCasim;
  beforeAll(async () => {
    casim = await startCasim({ instances: 2, timeControl: true, instanceName: 'unit' });
  });
  afterAll(async () => {
    await casim?.stop();
  });

  it('starts a server on a free loopback port with the documented local credentials and 2 online mi- instances', async () => {
    expect(casim.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(casim.url).toBe(`http://${casim.endpoint}`);
    expect(casim.credentials).toEqual({ accessKeyId: 'casim-local-key', accessKeySecret: 'casim-local-secret', regionId: 'cn-hangzhou' });
    expect(casim.instanceIds).toHaveLength(2);
    const body = await casim.api.call<{ Instances: Array<{ InstanceId: string; InstanceName: string }> }>('DescribeManagedInstances', {
      InstanceId: [...casim.instanceIds],
    });
    const rows = body.Instances;
    expect(rows.map((r) => r.InstanceId).sort()).toEqual([...casim.instanceIds].sort());
    expect(rows.map((r) => r.InstanceName).sort()).toEqual(['unit-1', 'unit-2']);
  });

  it('runs a script as a local process on every instance through the official SDK client', async () => {
    const ecs = await casim.ecsClient();
    const { body } = await ecs.runCommand(
      new $Ecs.RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: 'echo "pid $$ on {{ACS::InstanceId}}"', enableParameter: true, instanceId: [...casim.instanceIds] }),
    );
    const results = await waitForResults(casim.api, body!.invokeId!, 30_000);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result.InvocationStatus).toBe('Success');
      expect(result.Output).toMatch(new RegExp(`^pid \\d+ on ${result.InstanceId}\\n$`));
    }
  });

  it('moves simulated time forward with clock.advance()', async () => {
    const before = await casim.clock.now();
    const after = await casim.clock.advance(3600);
    expect(after.getTime() - before.getTime()).toBeGreaterThanOrEqual(3_600_000);
  });

  it('stop() ends the server and the agents, and a second stop() is a no-op', async () => {
    const other = await startCasim({ instances: 1 });
    const port = Number(other.endpoint.split(':')[1]);
    expect(await portOpen(port)).toBe(true);
    await other.stop();
    await other.stop();
    expect(await portOpen(port)).toBe(false);
  });

  it('refuses a negative instance count', async () => {
    await expect(startCasim({ instances: -1 })).rejects.toThrow(RangeError);
  });
});
