import type { InstanceInvocationStatus } from '../store/records.js';

export const AGGREGATE_STATUSES = ['Pending', 'Scheduled', 'Running', 'Stopping', 'Success', 'Failed', 'Stopped', 'PartialFailed'] as const;
export type AggregateStatus = (typeof AGGREGATE_STATUSES)[number];

type Outcome = 'success' | 'failed' | 'stopped';

function outcomeOf(status: InstanceInvocationStatus): Outcome | null {
  switch (status) {
    case 'Success':
      return 'success';
    case 'Failed':
    case 'Invalid':
    case 'Aborted':
    case 'Timeout':
    case 'Error':
      return 'failed';
    case 'Cancelled':
    case 'Terminated':
      return 'stopped';
    case 'Pending':
    case 'Scheduled':
    case 'Running':
    case 'Stopping':
      return null;
  }
}

/** Not finished: waiting, scheduled, running or being stopped (precedence order, Decisions §5). */
export const IN_PROGRESS_STATUSES: readonly InstanceInvocationStatus[] = ['Pending', 'Scheduled', 'Running', 'Stopping'];

/** A run that is going or about to go (delivered or being delivered): not Scheduled, not final. */
export const ACTIVE_RUN_STATUSES: readonly InstanceInvocationStatus[] = ['Pending', 'Running', 'Stopping'];

/** The per-instance statuses that end a run (spec §7.1). */
export const FINAL_STATUSES: ReadonlySet<string> = new Set<InstanceInvocationStatus>([
  'Success', 'Failed', 'Invalid', 'Aborted', 'Error', 'Timeout', 'Cancelled', 'Terminated',
]);

/**
 * The invocation's InvocationStatus, derived from its per-instance statuses (spec §7.2,
 * precedence per Decisions §5). Never stored.
 */
export function aggregateStatus(statuses: readonly InstanceInvocationStatus[]): AggregateStatus {
  for (const status of IN_PROGRESS_STATUSES) if (statuses.includes(status)) return status as AggregateStatus;
  const outcomes = statuses.map(outcomeOf);
  const succeeded = outcomes.includes('success');
  const failed = outcomes.includes('failed');
  if (succeeded && failed) return 'PartialFailed';
  if (succeeded) return 'Success';
  if (failed) return 'Failed';
  return 'Stopped';
}

/**
 * The legacy InvokeStatus / InvokeRecordStatus (spec §7.3): Finished once everything ended
 * without a stop or failure, Failed when all failed, otherwise as the aggregate.
 */
export function legacyInvokeStatus(statuses: readonly InstanceInvocationStatus[]): string {
  return legacyOfAggregate(aggregateStatus(statuses));
}

/** The legacy InvokeStatus name of an aggregate status. */
export function legacyOfAggregate(aggregate: AggregateStatus): string {
  return aggregate === 'Success' ? 'Finished' : aggregate;
}

/** The legacy per-instance InstanceInvokeStatus (spec §7.3). */
export function legacyInstanceStatus(status: InstanceInvocationStatus): string {
  switch (outcomeOf(status)) {
    case 'success':
      return 'Finished';
    case 'failed':
      return 'Failed';
    case 'stopped':
      return 'Stopped';
    case null:
      return status;
  }
}

export function isFinal(status: InstanceInvocationStatus): boolean {
  return outcomeOf(status) !== null;
}

/** The task will still run or is running: its aggregate is one of the in-progress statuses. */
export function isLive(statuses: readonly InstanceInvocationStatus[]): boolean {
  return (IN_PROGRESS_STATUSES as readonly string[]).includes(aggregateStatus(statuses));
}
