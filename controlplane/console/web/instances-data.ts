import type { ConsoleApi } from './api-client.js';
import { bool, list, num, str, tagTexts, type JsonObject } from './json-read.js';

/** One instance as the console shows it, from DescribeCloudAssistantStatus + DescribeInstances / DescribeManagedInstances. */
export interface InstanceRow {
  readonly instanceId: string;
  readonly name: string;
  readonly online: boolean;
  /** ECS lifecycle status (Running, Stopped, …) or, for managed instances, Connected / Disconnected. */
  readonly machineStatus: string;
  readonly agentVersion: string;
  readonly lastHeartbeat: string;
  readonly os: string;
  readonly tags: readonly string[];
  readonly activeTasks: number;
}

/** The objects at `path` of every page (NextToken paging, at most `maxPages`). */
async function allPages(api: ConsoleApi, action: string, path: readonly string[], maxPages = 20): Promise<JsonObject[]> {
  const items: JsonObject[] = [];
  let token = '';
  for (let page = 0; page < maxPages; page += 1) {
    const body = await api.call(action, { MaxResults: 50, NextToken: token || undefined });
    items.push(...list(body, ...path));
    token = str(body, 'NextToken');
    if (!token) break;
  }
  return items;
}

export async function loadInstances(api: ConsoleApi): Promise<InstanceRow[]> {
  const [statuses, managed, ecs] = await Promise.all([
    allPages(api, 'DescribeCloudAssistantStatus', ['InstanceCloudAssistantStatusSet', 'InstanceCloudAssistantStatus']),
    allPages(api, 'DescribeManagedInstances', ['Instances']),
    api.call('DescribeInstances', { PageSize: 100 }).then((body) => list(body, 'Instances', 'Instance')),
  ]);
  const details = new Map<string, JsonObject>();
  for (const item of [...managed, ...ecs]) details.set(str(item, 'InstanceId'), item);
  return statuses.map((status) => {
    const id = str(status, 'InstanceId');
    const detail = details.get(id) ?? {};
    const isEcs = str(detail, 'Status') !== '';
    return {
      instanceId: id,
      name: str(detail, 'InstanceName'),
      online: bool(status, 'CloudAssistantStatus'),
      machineStatus: isEcs ? str(detail, 'Status') : bool(detail, 'Connected') ? 'Connected' : 'Disconnected',
      agentVersion: str(status, 'CloudAssistantVersion') || str(detail, 'AgentVersion'),
      lastHeartbeat: str(status, 'LastHeartbeatTime'),
      os: str(detail, 'OSName') || str(status, 'OSType'),
      tags: tagTexts(detail.Tags),
      activeTasks: num(status, 'ActiveTaskCount') ?? 0,
    };
  });
}
