import { INSTANCE_STATUSES, type InstanceInvocationStatus, type RepeatMode } from '../store/records.js';
import { AGGREGATE_STATUSES, aggregateStatus, isLive, legacyInvokeStatus, legacyOfAggregate, type AggregateStatus } from './aggregate-status.js';
import { isRepeating } from './repeat-mode.js';

/**
 * The status filters of the Describe* operations as sets of per-instance statuses, so that the
 * store can filter in SQL (`status IN (…)`) with the same meaning as the derivations. Pure.
 */

/** InvokeRecordStatus (DescribeInvocationResults): the run's own status or its legacy name. */
export function runStatusesForRecordStatus(wanted: string): InstanceInvocationStatus[] {
  return INSTANCE_STATUSES.filter((s) => s === wanted || legacyInvokeStatus([s]) === wanted);
}

/** InvokeStatus with InstanceId (DescribeInvocations): that one run's aggregate or legacy status. */
export function runStatusesForInvokeStatus(wanted: string): InstanceInvocationStatus[] {
  return INSTANCE_STATUSES.filter((s) => aggregateStatus([s]) === wanted || legacyInvokeStatus([s]) === wanted);
}

/** The statuses of a run that keep a repeating task "timed" (still to run or running). */
export function liveRunStatuses(): InstanceInvocationStatus[] {
  return INSTANCE_STATUSES.filter((s) => isLive([s]));
}

/** InvokeStatus without InstanceId: the invocation aggregates whose name or legacy name it is. */
export function aggregateStatusesFor(wanted: string): AggregateStatus[] {
  return AGGREGATE_STATUSES.filter((s) => s === wanted || legacyOfAggregate(s) === wanted);
}

export interface InvocationStatusColumns {
  invokeStatus: AggregateStatus;
  /** The Timed filter: a repeating task that is still live. */
  timed: boolean;
}

/** What the store keeps beside an invocation, derived from its runs' statuses (never set by hand). */
export function invocationStatusColumns(repeatMode: RepeatMode, statuses: readonly InstanceInvocationStatus[]): InvocationStatusColumns {
  return {
    invokeStatus: aggregateStatus(statuses),
    timed: isRepeating(repeatMode) && isLive(statuses),
  };
}
