import { lifecycleStatus } from '../../instances/instance-lifecycle.js';
import { resourceGroupOf } from '../../instances/resource-groups.js';
import type { InstanceLifecycleStatus, InstanceRecord } from '../../store/records.js';
import { apiError, invalidParameter } from '../errors.js';
import { pageFromStore, pageSpec } from '../paging.js';
import type { ValidArgs } from '../validate-params.js';
import { tagsView } from '../views.js';
import type { ApiContext, Handler } from './context.js';

/**
 * The minimal ECS instance operations behind `casim fleet`: instances are Docker containers
 * (spec issue "instance lifecycle"); one registry with Cloud Assistant.
 */

export const runInstances: Handler = async (args, ctx) => {
  if (!ctx.fleet.available) throw apiError('Operation.Forbidden'); // started with --no-fleet
  const amount = args.integer('Amount') ?? 1;
  const imageId = args.string('ImageId') ?? ctx.fleet.defaultImage;
  const ids: string[] = [];
  for (let n = 0; n < amount; n += 1) {
    const baseName = args.string('InstanceName');
    const name = baseName ? (amount > 1 ? `${baseName}-${n + 1}` : baseName) : '';
    const { record, secret } = ctx.registry.createEcsInstance({
      regionId: args.string('RegionId') ?? '',
      name,
      imageId,
      tags: args.tags('Tag'),
      resourceGroupId: args.string('ResourceGroupId'),
    });
    try {
      const containerId = await ctx.fleet.start(record.instanceId, secret, imageId);
      ctx.registry.update({ ...record, containerId, status: 'Running' });
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
  // PageNumber / PageSize only, with TotalCount (a COUNT on the filter's index).
  const request = { pageNumber: args.integer('PageNumber'), pageSize: args.integer('PageSize') };
  const spec = pageSpec(request);
  const found = ctx.store.instanceQueries.registered(
    {
      regionId: args.string('RegionId') ?? '',
      kind: 'ecs',
      ...(ids !== undefined ? { instanceIds: [...new Set(ids)] } : {}),
      name: args.string('InstanceName'),
      status: args.string('Status'),
      resourceGroupId: args.string('ResourceGroupId'),
      tags: [],
    },
    spec,
  );
  const page = pageFromStore(found, spec, request);
  return {
    PageNumber: page.pageNumber,
    PageSize: page.pageSize,
    TotalCount: page.totalCount ?? 0,
    Instances: {
      Instance: page.items.map((i) => ({
        InstanceId: i.instanceId,
        InstanceName: i.name,
        HostName: i.hostname,
        ImageId: i.imageId,
        Status: lifecycleStatus(i),
        OSType: 'linux',
        OSName: 'Debian 12 (casim instance)',
        RegionId: i.regionId,
        ResourceGroupId: resourceGroupOf(i),
        CreationTime: i.registrationTime.replace(/:\d\dZ$/, 'Z'),
        Tags: tagsView(i.tags),
      })),
    },
  };
};

function ecsInstance(id: string, ctx: ApiContext): InstanceRecord {
  const instance = ctx.registry.get(id);
  if (!instance || instance.kind !== 'ecs') throw apiError('InvalidInstanceId.NotFound');
  return instance;
}

type Operation = 'start' | 'stop' | 'reboot' | 'delete';

/** Which states an operation starts from (ECS: IncorrectInstanceStatus otherwise). */
const ALLOWED_FROM: Record<Operation, readonly InstanceLifecycleStatus[]> = {
  start: ['Stopped'],
  stop: ['Running', 'Starting'],
  reboot: ['Running'],
  // Without Force only a Stopped instance can be deleted (ECS DeleteInstance).
  delete: ['Stopped'],
};

function checkState(instance: InstanceRecord, operation: Operation, force: boolean): void {
  if (operation === 'delete' && force) return;
  if (!ALLOWED_FROM[operation].includes(lifecycleStatus(instance))) throw apiError('IncorrectInstanceStatus');
}

async function apply(instance: InstanceRecord, operation: Operation, ctx: ApiContext): Promise<void> {
  switch (operation) {
    case 'start':
      return ctx.lifecycle.start(instance);
    case 'stop':
      return ctx.lifecycle.stop(instance);
    case 'reboot':
      return ctx.lifecycle.reboot(instance);
    case 'delete':
      return ctx.lifecycle.delete(instance);
  }
}

/** StartInstance, StopInstance, RebootInstance, DeleteInstance: one `InstanceId`. */
function single(operation: Operation): Handler {
  return async (args: ValidArgs, ctx: ApiContext) => {
    const instance = ecsInstance(args.string('InstanceId') ?? '', ctx);
    checkState(instance, operation, args.boolean('Force') ?? false);
    await apply(instance, operation, ctx);
    return {};
  };
}

/** StartInstances, StopInstances, RebootInstances, DeleteInstances: `InstanceId.N`. */
function batch(operation: Operation): Handler {
  return async (args: ValidArgs, ctx: ApiContext) => {
    const instances = args.list('InstanceId').map((id) => ecsInstance(id, ctx));
    for (const instance of instances) checkState(instance, operation, args.boolean('Force') ?? false);
    const responses = [];
    for (const instance of instances) {
      const previous = lifecycleStatus(instance);
      await apply(instance, operation, ctx);
      const current = operation === 'delete' ? 'Deleted' : lifecycleStatus(ctx.registry.get(instance.instanceId) ?? instance);
      responses.push({ InstanceId: instance.instanceId, Code: '200', Message: 'success', PreviousStatus: previous, CurrentStatus: current });
    }
    return operation === 'delete' ? {} : { InstanceResponses: { InstanceResponse: responses } };
  };
}

export const startInstance = single('start');
export const stopInstance = single('stop');
export const rebootInstance = single('reboot');
export const deleteInstance = single('delete');
export const startInstances = batch('start');
export const stopInstances = batch('stop');
export const rebootInstances = batch('reboot');
export const deleteInstances = batch('delete');
