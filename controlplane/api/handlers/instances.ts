import { isFinal } from '../../invocations/aggregate-status.js';
import type { InstanceRecord } from '../../store/records.js';
import { apiError, invalidParameter } from '../errors.js';
import { pageFields, paginate } from '../paging.js';
import { managedInstanceView, tagsView } from '../views.js';
import type { ApiContext, Handler } from './context.js';
import { pageRequest } from './paging-request.js';

/** An agent counts as running when its last heartbeat is this recent (spec §13). */
export const HEARTBEAT_FRESH_MS = 2 * 60_000;

export function isAgentOnline(instance: InstanceRecord, ctx: ApiContext): boolean {
  const last = Date.parse(instance.lastHeartbeatTime);
  return ctx.agents.isConnected(instance.instanceId) && Number.isFinite(last) && ctx.clock.now().getTime() - last <= HEARTBEAT_FRESH_MS;
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
    .filter((i) => connected === undefined || String(isAgentOnline(i, ctx)) === connected.toLowerCase());
  const page = paginate(instances, pageRequest(args));
  return { ...pageFields(page), Instances: page.items.map((i) => managedInstanceView(i, isAgentOnline(i, ctx))) };
};

// ---- minimal ECS instance operations, backed by the Docker fleet ----

export const runInstances: Handler = async (args, ctx) => {
  const amount = args.integer('Amount') ?? 1;
  const imageId = args.string('ImageId') ?? ctx.fleet.defaultImage;
  const ids: string[] = [];
  for (let n = 0; n < amount; n += 1) {
    const baseName = args.string('InstanceName');
    const name = baseName ? (amount > 1 ? `${baseName}-${n + 1}` : baseName) : '';
    const { record, secret } = ctx.registry.createEcsInstance({ regionId: args.string('RegionId') ?? '', name, imageId, tags: args.tags('Tag') });
    try {
      const containerId = await ctx.fleet.start(record.instanceId, secret, imageId);
      ctx.registry.update({ ...record, containerId });
    } catch (error) {
      ctx.registry.remove(record.instanceId);
      ctx.logger.error('could not start an instance container', { instanceId: record.instanceId, error: (error as Error).message });
      throw apiError('InternalError');
    }
    ids.push(record.instanceId);
  }
  return { InstanceIdSets: { InstanceIdSet: ids } };
};

function parseInstanceIds(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // fall through
  }
  throw invalidParameter('InstanceIds');
}

export const describeInstances: Handler = (args, ctx) => {
  const ids = parseInstanceIds(args.string('InstanceIds'));
  const instances = ctx.registry
    .list()
    .filter((i) => i.kind === 'ecs' && i.regionId === args.string('RegionId'))
    .filter((i) => ids === undefined || ids.includes(i.instanceId));
  const page = paginate(instances, { pageNumber: args.integer('PageNumber'), pageSize: args.integer('PageSize') });
  return {
    PageNumber: page.pageNumber,
    PageSize: page.pageSize,
    TotalCount: page.totalCount ?? instances.length,
    Instances: {
      Instance: page.items.map((i) => ({
        InstanceId: i.instanceId,
        InstanceName: i.name,
        HostName: i.hostname,
        ImageId: i.imageId,
        Status: 'Running',
        OSType: 'linux',
        OSName: 'Debian 12 (casim instance)',
        RegionId: i.regionId,
        CreationTime: i.registrationTime.replace(/:\d\dZ$/, 'Z'),
        Tags: tagsView(i.tags),
      })),
    },
  };
};

export const deleteInstances: Handler = async (args, ctx) => {
  const instances = args.list('InstanceId').map((id) => {
    const instance = ctx.registry.get(id);
    if (!instance || instance.kind !== 'ecs') throw apiError('InvalidInstance.NotFound');
    return instance;
  });
  for (const instance of instances) {
    ctx.registry.remove(instance.instanceId);
    ctx.agents.send(instance.instanceId, { type: 'rejected', reason: 'instance deleted' });
    if (instance.containerId) await ctx.fleet.remove(instance.containerId);
  }
  return {};
};
