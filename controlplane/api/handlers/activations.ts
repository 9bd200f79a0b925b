import type { ActivationRecord } from '../../store/records.js';
import { apiError } from '../errors.js';
import { pageFields, pageFromStore, pageSpec } from '../paging.js';
import type { ValidArgs } from '../validate-params.js';
import type { ApiContext, Handler } from './context.js';
import { pageRequest } from './paging-request.js';

function activationView(a: ActivationRecord, withDisabled = true): Record<string, unknown> {
  return {
    ActivationId: a.activationId,
    Description: a.description,
    InstanceName: a.instanceName,
    InstanceCount: a.instanceCount,
    RegisteredCount: a.registeredCount,
    DeregisteredCount: a.deregisteredCount,
    IpAddressRange: a.ipAddressRange,
    TimeToLiveInHours: a.timeToLiveInHours,
    CreationTime: a.creationTime,
    ResourceGroupId: a.resourceGroupId,
    ...(withDisabled ? { Disabled: a.disabled } : {}),
    Tags: a.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })),
  };
}

function findActivation(args: ValidArgs, ctx: ApiContext): ActivationRecord {
  const activation = ctx.store.activations.get(args.string('ActivationId') ?? '');
  if (!activation || activation.regionId !== args.string('RegionId')) throw apiError('InvalidActivationId.NotFound');
  return activation;
}

export const describeActivations: Handler = (args, ctx) => {
  const request = pageRequest(args);
  const spec = pageSpec(request);
  const found = ctx.store.activationQueries.describeActivations(
    {
      regionId: args.string('RegionId') ?? '',
      activationId: args.string('ActivationId'),
      instanceName: args.string('InstanceName'),
      resourceGroupId: args.string('ResourceGroupId'),
      tags: args.tags('Tag'),
    },
    spec,
  );
  const page = pageFromStore(found, spec, request);
  return { ...pageFields(page), ActivationList: page.items.map((a) => activationView(a)) };
};

export const disableActivation: Handler = (args, ctx) => {
  const activation = { ...findActivation(args, ctx), disabled: true };
  ctx.store.activations.put(activation);
  return { Activation: activationView(activation) };
};

export const deleteActivation: Handler = (args, ctx) => {
  const activation = findActivation(args, ctx);
  if (ctx.store.instanceQueries.activationInUse(activation.activationId)) throw apiError('ActivationInUse');
  ctx.store.activations.delete(activation.activationId);
  return { Activation: activationView(activation, false) };
};
