import { isFinal } from '../../invocations/aggregate-status.js';
import type { InstanceRecord } from '../../store/records.js';
import { resourceGroupOf } from '../../instances/resource-groups.js';
import { apiError } from '../errors.js';
import { pageFields, paginate } from '../paging.js';
import { managedInstanceView } from '../views.js';
import type { ApiContext, Handler } from './context.js';
import { matchesTags } from '../tag-filter.js';
import { pageRequest } from './paging-request.js';

/**
 * The real service reports "true" while heartbeats arrive (spec §13). Here the agent's
 * WebSocket is the heartbeat: pings close a dead session within a minute.
 */
export function isAgentOnline(instance: InstanceRecord, ctx: ApiContext): boolean {
  return ctx.agents.isConnected(instance.instanceId);
}

function selectInstances(ids: string[], ctx: ApiContext, regionId: string | undefined): InstanceRecord[] {
  if (ids.length === 0) return ctx.registry.list().filter((i) => i.regionId === regionId);
  return ids.map((id) => {
    const instance = ctx.registry.get(id);
    if (!instance || instance.regionId !== regionId) throw apiError('InvalidInstance.NotFound');
    return instance;
  });
}

export const describeCloudAssistantStatus: Handler = (args, ctx) => {
  const ids = [...new Set(args.list('InstanceId'))];
  const osType = args.string('OSType');
  const instances = selectInstances(ids, ctx, args.string('RegionId')).filter(
    (i) => osType === undefined || i.osType.toLowerCase() === osType.toLowerCase(),
  );
  // MaxResults is ignored when InstanceId is given (spec §13).
  const page = paginate(instances, ids.length > 0 ? { pageSize: Math.max(ids.length, 1) } : pageRequest(args));
  const runs = ctx.store.runs.all();
  return {
    ...pageFields(page),
    InstanceCloudAssistantStatusSet: {
      InstanceCloudAssistantStatus: page.items.map((instance) => {
        const mine = runs.filter((r) => r.instanceId === instance.instanceId);
        const online = isAgentOnline(instance, ctx);
        return {
          InstanceId: instance.instanceId,
          CloudAssistantStatus: String(online),
          CloudAssistantVersion: online ? instance.agentVersion : '',
          LastHeartbeatTime: instance.lastHeartbeatTime,
          OSType: instance.osType,
          ActiveTaskCount: mine.filter((r) => r.status === 'Running').length,
          InvocationCount: mine.filter((r) => isFinal(r.status)).length,
          LastInvokedTime: instance.lastInvokedTime,
          SupportSessionManager: false,
        };
      }),
    },
  };
};

export const createActivation: Handler = (args, ctx) => {
  const nowMs = ctx.clock.now().getTime();
  const live = ctx.store.activations
    .all()
    .filter((a) => a.regionId === args.string('RegionId') && Date.parse(a.creationTime) + a.timeToLiveInHours * 3_600_000 > nowMs);
  if (live.length >= ctx.quotas.activationsPerRegion) throw apiError('ActivationCount.ExceedLimit', String(ctx.quotas.activationsPerRegion));
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

export const describeManagedInstances: Handler = (args, ctx) => {
  const ids = new Set(args.list('InstanceId'));
  const connected = args.string('Connected');
  const instances = ctx.registry
    .list()
    .filter((i) => i.kind === 'managed' && i.regionId === args.string('RegionId'))
    .filter((i) => ids.size === 0 || ids.has(i.instanceId))
    .filter((i) => !args.has('InstanceName') || i.name === args.string('InstanceName'))
    .filter((i) => !args.has('ActivationId') || i.activationId === args.string('ActivationId'))
    .filter((i) => !args.has('OsType') || i.osType.toLowerCase() === args.string('OsType')?.toLowerCase())
    .filter((i) => connected === undefined || String(isAgentOnline(i, ctx)) === connected.toLowerCase())
    .filter((i) => !args.has('ResourceGroupId') || resourceGroupOf(i) === args.string('ResourceGroupId'))
    .filter((i) => matchesTags(i.tags, args.tags('Tag')));
  const page = paginate(instances, pageRequest(args));
  return { ...pageFields(page), Instances: page.items.map((i) => managedInstanceView(i, isAgentOnline(i, ctx))) };
};
