import { DEFAULT_RESOURCE_GROUP_ID, resourceGroupOf } from '../../instances/resource-groups.js';
import type { InstanceRecord } from '../../store/records.js';
import { apiError } from '../errors.js';
import type { ValidArgs } from '../validate-params.js';
import type { ApiContext } from './context.js';

/**
 * The ResourceGroupId of a call that targets instances (InvokeCommand, RunCommand, SendFile):
 * undefined when not given; a group that does not exist is 404 InvalidResourceGroup.NotFound
 * (spec §2, §3, §14.1). Checked before the call makes anything. The groups that exist: the
 * default group and every group a registered instance or an activation carries (a group comes
 * into being with the first resource made in it), looked up on the store's indexes.
 */
export function targetResourceGroup(args: ValidArgs, ctx: ApiContext): string | undefined {
  const group = args.string('ResourceGroupId');
  if (group === undefined) return undefined;
  const known = group === DEFAULT_RESOURCE_GROUP_ID || ctx.store.instanceQueries.groupInUse(group) || ctx.store.activationQueries.groupInUse(group);
  if (!known) throw apiError('InvalidResourceGroup.NotFound');
  return group;
}

/**
 * Whether `instance` may be targeted in `group` ("the instances specified by InstanceId.N must
 * belong to the specified resource group", seed 003). Seen from a group, an instance outside it
 * does not exist: the caller answers InvalidInstance.NotFound. Pure.
 */
export function inResourceGroup(instance: Pick<InstanceRecord, 'resourceGroupId'>, group: string | undefined): boolean {
  return group === undefined || resourceGroupOf(instance) === group;
}
