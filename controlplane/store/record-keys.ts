import type { CommandRecord } from './records.js';

/**
 * The spellings of record keys and labels: what every store implementation keys and labels its
 * records by (TableSpec.keyOf / labelOf for SQLite), and what the services and handlers look
 * them up and count them with.
 */

/** The label of a region's kept commands (CmdCount.ExceedQuota counts them). */
export function keptCommandsLabel(command: Pick<CommandRecord, 'regionId' | 'kept'>): string {
  return command.kept ? `${command.regionId}/kept` : `${command.regionId}/run-only`;
}

/** The label of a region's invocations of one UTC day (Invocation.ExceedQuota counts them). */
export function invocationDayLabel(regionId: string, time: string): string {
  return `${regionId}/${time.slice(0, 10)}`;
}

/** The one spelling of a per-instance row's key (a run, a SendFile delivery). */
export const runKey = (invokeId: string, instanceId: string): string => `${invokeId}/${instanceId}`;
