import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useServerWithAgent } from '../support/harness.js';

/** The agent reads its machine with systeminformation; DescribeManagedInstances shows it. */
const env = useServerWithAgent('facts');

function osRelease(key: string): string {
  const line = readFileSync('/etc/os-release', 'utf8').split('\n').find((l) => l.startsWith(`${key}=`)) ?? '';
  return line.slice(key.length + 1).replace(/^"|"$/g, '');
}

describe('machine facts', () => {
  it('reports the OS version and intranet IP of the agent\'s machine', async () => {
    const body = await env.test.client.call<{ Instances: Array<{ OsVersion: string; IntranetIp: string; OsType: string }> }>('DescribeManagedInstances', {
      InstanceId: [env.local.instanceId],
    });
    const [instance] = body.Instances;
    expect(instance!.OsType).toBe('linux');
    expect(instance!.OsVersion).toContain(osRelease('VERSION_ID'));
    const addresses = Object.values(networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address);
    expect(addresses.length > 0 ? addresses : ['127.0.0.1']).toContain(instance!.IntranetIp);
    const stored = env.test.server.store.instances.get(env.local.instanceId)!;
    expect(stored.machine).toMatchObject({ cpuCores: expect.any(Number), memoryBytes: expect.any(Number) });
    expect(stored.machine!.memoryBytes!).toBeGreaterThan(0);
  });
});
