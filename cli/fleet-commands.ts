import type { ApiClient } from './api-client.js';

interface InstancesBody {
  Instances: { Instance: Array<{ InstanceId: string; InstanceName: string; ImageId: string; CreationTime: string }> };
}
interface StatusBody {
  InstanceCloudAssistantStatusSet: {
    InstanceCloudAssistantStatus: Array<{ InstanceId: string; CloudAssistantStatus: string; CloudAssistantVersion: string; LastHeartbeatTime: string }>;
  };
}

async function allInstances(client: ApiClient): Promise<InstancesBody['Instances']['Instance']> {
  const body = await client.call<InstancesBody>('DescribeInstances', { PageSize: 100 });
  return body.Instances.Instance;
}

async function statuses(client: ApiClient, ids: string[]): Promise<Map<string, StatusBody['InstanceCloudAssistantStatusSet']['InstanceCloudAssistantStatus'][number]>> {
  if (ids.length === 0) return new Map();
  const body = await client.call<StatusBody>('DescribeCloudAssistantStatus', { InstanceId: ids });
  return new Map(body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus.map((s) => [s.InstanceId, s]));
}

/** `casim fleet up`: starts N Docker instances and waits until each agent is online. */
export async function fleetUp(
  client: ApiClient,
  count: number,
  options: { image?: string; name?: string; waitSeconds: number; onCreated?: (ids: readonly string[]) => void },
): Promise<string[]> {
  const body = await client.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', {
    Amount: count,
    ImageId: options.image,
    InstanceName: options.name,
  });
  const ids = body.InstanceIdSets.InstanceIdSet;
  options.onCreated?.(ids);
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (;;) {
    const online = [...(await statuses(client, ids)).values()].filter((s) => s.CloudAssistantStatus === 'true').length;
    if (online === ids.length) return ids;
    if (Date.now() > deadline) throw new Error(`only ${online} of ${ids.length} agents came online within ${options.waitSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `casim fleet ls`: one line per instance with its Cloud Assistant status. */
export async function fleetList(client: ApiClient): Promise<string> {
  const instances = await allInstances(client);
  const byId = await statuses(client, instances.map((i) => i.InstanceId));
  const rows = [['INSTANCE', 'NAME', 'IMAGE', 'CLOUD-ASSISTANT', 'VERSION', 'LAST-HEARTBEAT']];
  for (const i of instances) {
    const s = byId.get(i.InstanceId);
    rows.push([i.InstanceId, i.InstanceName, i.ImageId, s?.CloudAssistantStatus ?? 'false', s?.CloudAssistantVersion ?? '', s?.LastHeartbeatTime ?? '']);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd()).join('\n');
}

/** Deletes the instances `ids` and their containers (Force: also when running). */
export async function deleteInstances(client: ApiClient, ids: readonly string[]): Promise<string[]> {
  if (ids.length > 0) await client.call('DeleteInstances', { InstanceId: [...ids], Force: true });
  return [...ids];
}

/** `casim fleet down`: deletes every fleet instance and its container. */
export async function fleetDown(client: ApiClient): Promise<string[]> {
  return deleteInstances(client, (await allInstances(client)).map((i) => i.InstanceId));
}
