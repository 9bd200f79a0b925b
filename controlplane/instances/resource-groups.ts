import type { ActivationRecord, InstanceRecord } from '../store/records.js';

/**
 * casim has no Resource Manager. Every instance belongs to one resource group: the one given
 * when it was made (RunInstances, or CreateActivation for the instances registered with that
 * activation), else the account's default group, DEFAULT_RESOURCE_GROUP_ID.
 */
export const DEFAULT_RESOURCE_GROUP_ID = 'rg-default';

/** The group an instance belongs to. Pure. */
export function resourceGroupOf(instance: Pick<InstanceRecord, 'resourceGroupId'>): string {
  return instance.resourceGroupId || DEFAULT_RESOURCE_GROUP_ID;
}

/**
 * The groups that exist: the default group and every group an instance or an activation
 * carries (a group comes into being with the first resource made in it). Pure.
 */
export function knownResourceGroups(
  instances: ReadonlyArray<Pick<InstanceRecord, 'resourceGroupId'>>,
  activations: ReadonlyArray<Pick<ActivationRecord, 'resourceGroupId'>>,
): Set<string> {
  const known = new Set<string>([DEFAULT_RESOURCE_GROUP_ID]);
  for (const instance of instances) known.add(resourceGroupOf(instance));
  for (const activation of activations) if (activation.resourceGroupId) known.add(activation.resourceGroupId);
  return known;
}
