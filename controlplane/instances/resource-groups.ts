import type { InstanceRecord } from '../store/records.js';

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
