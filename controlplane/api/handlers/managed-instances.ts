import type { InstanceRecord } from '../../store/records.js';
import { apiError } from '../errors.js';
import type { ValidArgs } from '../validate-params.js';
import { managedInstanceView } from '../views.js';
import type { ApiContext, Handler } from './context.js';

function findManaged(args: ValidArgs, ctx: ApiContext, action: string): InstanceRecord {
  const instance = ctx.registry.get(args.string('InstanceId') ?? '');
  if (!instance || instance.kind !== 'managed' || instance.regionId !== args.string('RegionId')) {
    throw apiError('InvalidInstance.NotFound', '', action);
  }
  return instance;
}

export const modifyManagedInstance: Handler = (args, ctx) => {
  const instance = findManaged(args, ctx, 'ModifyManagedInstance');
  const renamed = { ...instance, name: args.string('InstanceName') ?? instance.name };
  ctx.registry.update(renamed);
  return { Instance: { InstanceId: renamed.instanceId, InstanceName: renamed.name } };
};

/** The instance leaves the registry; its agent is disconnected and cannot come back. */
export const deregisterManagedInstance: Handler = (args, ctx) => {
  const instance = findManaged(args, ctx, 'DeregisterManagedInstance');
  const stats = ctx.store.instanceQueries.runStats(instance);
  ctx.store.transaction(() => {
    ctx.registry.remove(instance.instanceId);
    const activation = ctx.store.activations.get(instance.activationId);
    if (activation) ctx.store.activations.put({ ...activation, deregisteredCount: activation.deregisteredCount + 1 });
  });
  ctx.agents.send(instance.instanceId, { type: 'rejected', reason: 'instance deregistered' });
  // The response's Instance is the DescribeManagedInstances view without Connected and Tags.
  const { Connected: _connected, Tags: _tags, ...view } = managedInstanceView(instance, false, stats);
  return { Instance: view };
};
