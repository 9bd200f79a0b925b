import { FILE_INSTANCE_STATUSES, type FileInstanceStatus } from '../store/records.js';
import { fileAggregateStatus } from './file-aggregate-status.js';

/**
 * DescribeSendFileResults' InvocationStatus with InstanceId: the instance's own status stands
 * for the aggregate, so these are the per-instance statuses whose one-row aggregate is `wanted`
 * (the store filters `status IN (…)`). Pure.
 */
export function deliveryStatusesFor(wanted: string): FileInstanceStatus[] {
  return FILE_INSTANCE_STATUSES.filter((s) => fileAggregateStatus([s]) === wanted);
}
