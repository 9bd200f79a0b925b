import type { RegisteredFilter } from '../../store/instance-queries.js';
import type { InstanceRecord } from '../../store/records.js';
import { apiError } from '../errors.js';
import { pageFields, pageFromStore, pageSpec, paginate, type Page } from '../paging.js';
import { managedInstanceView } from '../views.js';
import type { ApiContext, Handler } from './context.js';
import { pageRequest } from './paging-request.js';

/**
 * The real service reports "true" while heartbeats arrive (spec §13). Here the agent's
 * WebSocket is the heartbeat: pings close a dead session within a minute.
 */
export function isAgentOnline(instance: InstanceRecord, ctx: ApiContext): boolean {
  return ctx.agents.isConnected(instance.instanceId);
}

function selectInstances(ids: string[], ctx: ApiContext, regionId: string | undefined): InstanceRecord[] {
  return ids.map((id) => {
    const instance = ctx.registry.get(id);
    if (!instance || instance.regionId !== regionId) throw apiError('InvalidInstance.NotFound');
    return instance;
  });
}

export const describeCloudAssistantStatus: Handler = (args, ctx) => {
  const ids = [...new Set(args.list('InstanceId'))];
  const osType = args.string('OSType');
  let page: Page<InstanceRecord>;
  if (ids.length > 0) {
    const instances = selectInstances(ids, ctx, args.string('RegionId')).filter(
      (i) => osType === undefined || i.osType.toLowerCase() === osType.toLowerCase(),
    );
    // MaxResults is ignored when InstanceId is given (spec §13).
    page = paginate(instances, { pageSize: Math.max(ids.length, 1) });
  } else {
    const request = pageRequest(args);
    const spec = pageSpec(request);
    page = pageFromStore(ctx.store.instanceQueries.list({ regionId: args.string('RegionId') ?? '', osType }, spec), spec, request);
  }
  return {
    ...pageFields(page),
    InstanceCloudAssistantStatusSet: {
      InstanceCloudAssistantStatus: page.items.map((instance) => {
        const stats = ctx.store.instanceQueries.runStats(instance);
        const online = isAgentOnline(instance, ctx);
        return {
          InstanceId: instance.instanceId,
          CloudAssistantStatus: String(online),
          CloudAssistantVersion: online ? instance.agentVersion : '',
          LastHeartbeatTime: ctx.store.presence.lastHeartbeat(instance.instanceId),
          OSType: instance.osType,
          ActiveTaskCount: stats.running,
          InvocationCount: stats.finished,
          LastInvokedTime: stats.lastInvokedTime,
          SupportSessionManager: false,
        };
      }),
    },
  };
};

export const createActivation: Handler = (args, ctx) => {
  const live = ctx.store.activationQueries.liveCount(args.string('RegionId') ?? '', ctx.clock.now().getTime());
  if (live >= ctx.quotas.activationsPerRegion) throw apiError('ActivationCount.ExceedLimit', String(ctx.quotas.activationsPerRegion));
  const { activation, code } = ctx.registry.createActivation({
    regionId: args.string('RegionId') ?? '',
    description: args.string('Description') ?? '',
    instanceName: args.string('InstanceName') ?? '',
    instanceCount: args.integer('InstanceCount') ?? 10,
    ipAddressRange: args.string('IpAddressRange') ?? '0.0.0.0/0',
    timeToLiveInHours: args.integer('TimeToLiveInHours') ?? 4,
    resourceGroupId: args.string('ResourceGroupId') ?? '',
    tags: args.tags('Tag'),
  });
  return { ActivationId: activation.activationId, ActivationCode: code };
};

/**
 * Connected ("true" / "false"; anything else matches nothing). The store's `connected` column
 * follows the agent sessions, so Connected is an index range like the other filters; while an
 * `agent-offline` fault is in force, the instances it matches count as offline in the same SQL.
 * Only after the column could not be written are the sessions asked instead, row by row on what
 * the other filters leave.
 */
function connectedFilter(connected: string | undefined, ctx: ApiContext): Pick<RegisteredFilter, 'connected' | 'offline' | 'keep' | 'instanceIds'> {
  if (connected === undefined) return {};
  if (connected !== 'true' && connected !== 'false') return { instanceIds: [] };
  const column = ctx.agents.presenceColumn();
  if (column.trusted) return { connected: connected === 'true', ...(column.offline.length > 0 ? { offline: column.offline } : {}) };
  return { keep: (instanceId: string) => String(ctx.agents.isConnected(instanceId)) === connected };
}

/** In SQL (store/instance-queries.ts), Connected included (see connectedFilter). */
export const describeManagedInstances: Handler = (args, ctx) => {
  const ids = args.list('InstanceId');
  const connected = args.string('Connected')?.toLowerCase();
  const request = pageRequest(args);
  const spec = pageSpec(request);
  const found = ctx.store.instanceQueries.registered(
    {
      regionId: args.string('RegionId') ?? '',
      kind: 'managed',
      ...(ids.length > 0 ? { instanceIds: [...new Set(ids)] } : {}),
      name: args.string('InstanceName'),
      activationId: args.string('ActivationId'),
      osType: args.string('OsType'),
      resourceGroupId: args.string('ResourceGroupId'),
      tags: args.tags('Tag'),
      ...connectedFilter(connected, ctx),
    },
    spec,
  );
  const page = pageFromStore(found, spec, request);
  return { ...pageFields(page), Instances: page.items.map((i) => managedInstanceView(i, isAgentOnline(i, ctx), ctx.store.instanceQueries.runStats(i))) };
};
