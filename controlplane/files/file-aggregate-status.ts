import type { FileInstanceStatus } from '../store/records.js';

/** A SendFile's aggregate InvocationStatus (spec §14.2). */
export type FileAggregateStatus = 'Pending' | 'Running' | 'Success' | 'Failed' | 'PartialFailed';

/** Per-instance statuses that count as "Failed" in the aggregate (spec §14.2). */
const FAILED: readonly FileInstanceStatus[] = ['Failed', 'Invalid', 'Aborted', 'Timeout', 'Error'];

/**
 * Derived from the per-instance statuses, never stored (spec §14.2): Pending if any is Pending,
 * else Running if any is Running; then Success when all succeeded, Failed when all failed
 * (Invalid, Aborted, Failed, Timeout, Error), PartialFailed for a mix. Pure.
 */
export function fileAggregateStatus(statuses: readonly FileInstanceStatus[]): FileAggregateStatus {
  if (statuses.includes('Pending')) return 'Pending';
  if (statuses.includes('Running')) return 'Running';
  const failed = statuses.filter((s) => FAILED.includes(s)).length;
  if (failed === 0) return 'Success';
  return failed === statuses.length ? 'Failed' : 'PartialFailed';
}
