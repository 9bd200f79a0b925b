import { lifecycleStatus } from '../instances/instance-lifecycle.js';
import { isFinal } from '../invocations/aggregate-status.js';
import { resourceGroupOf } from '../instances/resource-groups.js';
import type { Column, TableSpec } from './document-table.js';
import type { CountSpec } from './counted-filters.js';
import { invocationDayLabel, keptCommandsLabel, runKey } from './record-keys.js';
import type {
  ActivationRecord,
  ClientTokenRecord,
  CommandRecord,
  FileDeliveryRecord,
  FileInvocationRecord,
  InstanceRecord,
  InstanceRunRecord,
  InvocationRecord,
} from './records.js';

const text = <T>(name: string, value: (record: T) => string): Column<T> => ({ name, type: 'TEXT', value });
/** A column set when the row is added and never changed by `put` (see Column.fixed). */
const fixedText = <T>(name: string, value: (record: T) => string): Column<T> => ({ name, type: 'TEXT', value, fixed: true });
const flag = <T>(name: string, value: (record: T) => boolean): Column<T> => ({ name, type: 'INTEGER', value: (r) => (value(r) ? 1 : 0) });

/**
 * The tables, their columns (what the Describe* filters, sorts and pages use) and an index for
 * each of those access paths. Newest first is `seq DESC` everywhere.
 */
export const COMMANDS: TableSpec<CommandRecord> = {
  name: 'commands',
  keyOf: (r) => r.commandId,
  labelOf: keptCommandsLabel,
  columns: [
    text('region_id', (r) => r.regionId),
    flag('kept', (r) => r.kept),
    text('name', (r) => r.name),
    text('description', (r) => r.description),
    text('command_type', (r) => r.type),
    text('resource_group_id', (r) => r.resourceGroupId),
    text('creation_time', (r) => r.creationTime),
  ],
  indexes: ['region_id, kept, seq', 'region_id, kept, name, seq', 'kept, creation_time'],
  tagsOf: (r) => r.tags,
};

/**
 * Besides these, an invocation row has `invoke_status` (the aggregate) and `timed`, derived by
 * the store from its runs' statuses (store.ts), for InvokeStatus and Timed.
 */
export const INVOCATIONS: TableSpec<InvocationRecord> = {
  name: 'invocations',
  keyOf: (r) => r.invokeId,
  labelOf: (r) => invocationDayLabel(r.regionId, r.creationTime),
  columns: [
    text('region_id', (r) => r.regionId),
    text('command_id', (r) => r.commandId),
    text('command_name', (r) => r.commandName),
    text('command_type', (r) => r.commandType),
    text('repeat_mode', (r) => r.repeatMode),
    text('resource_group_id', (r) => r.resourceGroupId),
    text('creation_time', (r) => r.creationTime),
    // Copied into each run row (the sweeper's agent-lost deadline); an invocation's Timeout never changes.
    { name: 'timeout', type: 'INTEGER', value: (r) => r.timeout },
  ],
  // RegionId is in every call: each filter's index leads with it, so the planner takes the one
  // with both equalities rather than the region alone (there are no statistics to tell it).
  indexes: [
    'region_id, seq',
    'command_id, seq',
    'region_id, command_id, seq',
    'region_id, invoke_status, seq',
    'region_id, repeat_mode, seq',
    'region_id, timed, seq',
    'creation_time',
  ],
  tagsOf: (r) => r.tags,
  // Every agent message names its invocation: a run's messages parse it once.
  cacheSize: 2_000,
};

/**
 * The run rows of the invocation whose id is bound to `?`, on the (region_id, invoke_seq, seq)
 * index: `FROM instance_runs WHERE ${RUNS_OF_INVOCATION} ORDER BY seq`. An invocation's runs
 * are in its region and carry its sequence number; it is deleted only after its runs.
 */
export const RUNS_OF_INVOCATION = runsOfInvocation('');

/** RUNS_OF_INVOCATION for run rows under an alias (`r.`) in a query that names other tables. */
export function runsOfInvocation(alias: '' | 'r.'): string {
  return `(${alias}region_id, ${alias}invoke_seq) = (SELECT region_id, seq FROM invocations WHERE id = ?)`;
}

/**
 * An invocation `i` and its run rows `r`, `i` first: `FROM invocations i CROSS JOIN
 * instance_runs r WHERE ${RUNS_OF_JOINED_INVOCATION} AND …`, each invocation's runs on the same
 * index as RUNS_OF_INVOCATION. CROSS JOIN keeps SQLite's planner from walking the region's runs
 * first (it did, given the region equality both sides share); PostgreSQL plans it as any join.
 */
export const RUNS_OF_JOINED_INVOCATION = 'r.region_id = i.region_id AND r.invoke_seq = i.seq';

/** The invocation's sequence number and region, copied into each run row when it is added. */
const invokeSeq: Column<InstanceRunRecord> = { name: 'invoke_seq', type: 'INTEGER', value: (r) => r.invokeId, insert: '(SELECT seq FROM invocations WHERE id = ?)' };
const invokeRegion: Column<InstanceRunRecord> = { name: 'region_id', type: 'TEXT', value: (r) => r.invokeId, insert: '(SELECT region_id FROM invocations WHERE id = ?)' };
const invokeTimeout: Column<InstanceRunRecord> = { name: 'timeout_s', type: 'INTEGER', value: (r) => r.invokeId, insert: '(SELECT timeout FROM invocations WHERE id = ?)' };

/** Since when the run's agent has held it (ms): started, else acknowledged, else last updated. */
function heldSinceMs(run: InstanceRunRecord): number | null {
  const ms = Date.parse(run.startTime || run.deliveredTime || run.updateTime);
  return Number.isFinite(ms) ? ms : null;
}

export const INSTANCE_RUNS: TableSpec<InstanceRunRecord> = {
  name: 'instance_runs',
  keyOf: (r) => runKey(r.invokeId, r.instanceId),
  columns: [
    fixedText('invoke_id', (r) => r.invokeId),
    fixedText('instance_id', (r) => r.instanceId),
    text('status', (r) => r.status),
    { name: 'run', type: 'INTEGER', value: (r) => r.run },
    fixedText('creation_time', (r) => r.creationTime),
    text('update_time', (r) => r.updateTime),
    // API time ("" or absent: not scheduled by time); the scheduler's tick reads only what is due.
    { name: 'next_run_time', type: 'TEXT', value: (r) => r.nextRunTime ?? '' },
    // The sweeper: undelivered Pending runs by update time; held runs by held_ms + timeout_s * 1000.
    text('delivered_time', (r) => r.deliveredTime ?? ''),
    { name: 'held_ms', type: 'INTEGER', value: heldSinceMs },
    // 1 until the run ends (Pending, Scheduled, Running, Stopping): it changes once, when the run
    // finishes, so the per-instance index of live runs is written when a run is added and when it
    // ends, not on every status change (put assigns only the columns whose values changed).
    flag('live', (r) => !isFinal(r.status)),
    invokeSeq,
    invokeRegion,
    invokeTimeout,
  ],
  // Results are listed newest invocation first, then in instance order: (invoke_seq DESC, seq).
  indexes: [
    // An instance's live runs (the hub on connect, a stop or reboot, DescribeCloudAssistantStatus).
    'instance_id WHERE live = 1',
    // The scheduler's tick (Store.dueRuns). Partial: only Scheduled runs are in it, so a run's
    // Pending -> Running -> Success steps do not move an entry each (300 index updates per
    // RunCommand(100)), and it stays as small as the number of scheduled runs.
    "next_run_time WHERE status = 'Scheduled'",
    // Also an invocation's runs in instance order (RUNS_OF_INVOCATION): its region and sequence
    // number are the invocation's, so no index by invoke_id is kept (two fewer per run added).
    'region_id, invoke_seq DESC, seq',
    // An instance's runs newest first; also its InvocationCount and LastInvokedTime (instance-queries.ts).
    'region_id, instance_id, invoke_seq DESC, seq',
    'region_id, status, invoke_seq DESC, seq',
    // The sweeper's two, partial: only live runs are in them, so they stay small as history grows
    // and a finished run leaves them (queries repeat the WHERE term, as partial indexes require).
    "delivered_time, update_time WHERE status = 'Pending'",
    // On the expression the agent-lost query compares (SQLite and PostgreSQL have both kinds).
    "status, held_ms + timeout_s * 1000 WHERE status IN ('Pending', 'Running', 'Stopping')",
  ],
  // A live run is read and written by each of its agent's messages (task-started, task-finished):
  // kept as written, those need neither a SELECT of the row nor of its before-image. Bounded
  // (10,000 instances with a few runs each in flight); a scheduled run stays live between runs.
  keepWritten: { while: (r) => !isFinal(r.status), max: 20_000 },
};

export const RUN_HISTORY: TableSpec<InstanceRunRecord> = {
  name: 'run_history',
  keyOf: (r) => `${runKey(r.invokeId, r.instanceId)}/${r.run}`,
  columns: [
    text('invoke_id', (r) => r.invokeId),
    text('instance_id', (r) => r.instanceId),
    text('status', (r) => r.status),
    { name: 'run', type: 'INTEGER', value: (r) => r.run },
  ],
  indexes: ['invoke_id, instance_id, run'],
};

/**
 * DescribeManagedInstances and DescribeInstances list one kind of registered instance of a
 * region; each filter's index leads with (region_id, kind, deregistered) so the planner takes the
 * one with the filter's equality too. `resource_group_id` is the effective group (the default
 * group when the record has none) and `status` the lifecycle status (Running when absent).
 * `connected` (not derived from the document) and its two indexes are instance-presence.ts'.
 */
export const INSTANCES: TableSpec<InstanceRecord> = {
  name: 'instances',
  keyOf: (r) => r.instanceId,
  columns: [
    text('region_id', (r) => r.regionId),
    text('kind', (r) => r.kind),
    flag('deregistered', (r) => r.deregistered),
    text('os_type', (r) => (r.osType ?? 'Linux').toLowerCase()),
    text('name', (r) => r.name),
    text('activation_id', (r) => r.activationId),
    text('resource_group_id', (r) => resourceGroupOf(r)),
    text('status', (r) => lifecycleStatus(r)),
  ],
  indexes: [
    'region_id, deregistered, seq',
    'deregistered, seq',
    // With `id`, covering for the Connected walk while a fault is in force (seq, id in index order).
    'region_id, kind, deregistered, seq, id',
    'region_id, kind, deregistered, name, seq',
    'region_id, kind, deregistered, activation_id, seq',
    'region_id, kind, deregistered, os_type, seq',
    'region_id, kind, deregistered, resource_group_id, seq',
    'region_id, kind, deregistered, status, seq',
    // DeleteActivation's ActivationInUse and SendFile's / RunCommand's ResourceGroupId check.
    'activation_id, deregistered',
    'resource_group_id, deregistered',
  ],
  tagsOf: (r) => r.tags,
  // Read for every call that targets instances and by the hub; a fleet of 20,000 stays parsed.
  cacheSize: 20_000,
};

/** `expires_at` (ms) is creation + TimeToLiveInHours: CreateActivation's quota counts the live ones. */
export const ACTIVATIONS: TableSpec<ActivationRecord> = {
  name: 'activations',
  keyOf: (r) => r.activationId,
  columns: [
    text('region_id', (r) => r.regionId),
    text('instance_name', (r) => r.instanceName),
    text('resource_group_id', (r) => r.resourceGroupId),
    { name: 'expires_at', type: 'INTEGER', value: (r) => expiresAt(r) },
  ],
  indexes: ['region_id, seq', 'region_id, instance_name, seq', 'region_id, resource_group_id, seq', 'region_id, expires_at', 'resource_group_id'],
  tagsOf: (r) => r.tags,
};

function expiresAt(activation: Pick<ActivationRecord, 'creationTime' | 'timeToLiveInHours'>): number | null {
  const ms = Date.parse(activation.creationTime) + activation.timeToLiveInHours * 3_600_000;
  return Number.isFinite(ms) ? ms : null;
}

export const CLIENT_TOKENS: TableSpec<ClientTokenRecord> = {
  name: 'client_tokens',
  keyOf: (r) => r.key,
  columns: [text('creation_time', (r) => r.creationTime)],
  indexes: ['creation_time'],
};

/**
 * Besides these, a SendFile row has `file_status`, its aggregate InvocationStatus, derived by the
 * store from its deliveries' statuses (store.ts), for DescribeSendFileResults' InvocationStatus.
 */
export const FILE_INVOCATIONS: TableSpec<FileInvocationRecord> = {
  name: 'file_invocations',
  keyOf: (r) => r.invokeId,
  columns: [
    text('region_id', (r) => r.regionId),
    text('creation_time', (r) => r.creationTime),
    text('name', (r) => r.name),
    text('resource_group_id', (r) => r.resourceGroupId),
  ],
  indexes: ['region_id, seq', 'creation_time', 'region_id, name, seq', 'region_id, resource_group_id, seq', 'region_id, file_status, seq'],
  tagsOf: (r) => r.tags,
};

/** The SendFile's sequence number and region, copied into each delivery row when it is added. */
const fileSeq: Column<FileDeliveryRecord> = { name: 'invoke_seq', type: 'INTEGER', value: (r) => r.invokeId, insert: '(SELECT seq FROM file_invocations WHERE id = ?)' };
const fileRegion: Column<FileDeliveryRecord> = { name: 'region_id', type: 'TEXT', value: (r) => r.invokeId, insert: '(SELECT region_id FROM file_invocations WHERE id = ?)' };

export const FILE_DELIVERIES: TableSpec<FileDeliveryRecord> = {
  name: 'file_deliveries',
  keyOf: (r) => runKey(r.invokeId, r.instanceId),
  labelOf: (r) => r.status,
  columns: [
    text('invoke_id', (r) => r.invokeId),
    text('instance_id', (r) => r.instanceId),
    text('status', (r) => r.status),
    text('update_time', (r) => r.updateTime),
    fileSeq,
    fileRegion,
  ],
  // DescribeSendFileResults with InstanceId: that instance's deliveries, newest SendFile first.
  // The sweeper reads the Pending rows past the delivery window; a connecting agent, its Pending rows.
  indexes: ['invoke_id, seq', 'region_id, instance_id, invoke_seq DESC', 'status, update_time', 'instance_id, status'],
};

/**
 * What the store counts as it writes (row-counts.ts), for the TotalCounts of the listings that
 * filter by region (and kind) and at most one tag (counted-filters.ts): DescribeInvocations,
 * DescribeManagedInstances / DescribeInstances (registered instances only; and the connected
 * ones, for Connected), DescribeActivations, DescribeSendFileResults, and DescribeInvocationResults
 * (the run rows of a region, counted by the store's write path).
 */
export const INVOCATION_COUNTS: CountSpec = { table: 'invocations' };
export const INSTANCE_COUNTS: CountSpec = {
  table: 'instances',
  byKind: true,
  only: { columns: ['deregistered'], condition: (row) => `${row}.deregistered IS 0` },
  flag: { column: 'connected', field: 'connected', overriddenBy: 'offline' },
};
export const ACTIVATION_COUNTS: CountSpec = { table: 'activations' };
export const FILE_INVOCATION_COUNTS: CountSpec = { table: 'file_invocations' };
export const RUN_COUNTS: CountSpec = { table: 'instance_runs', noTags: true, keptByStore: true };
export const COUNTED_TABLES: readonly CountSpec[] = [INVOCATION_COUNTS, INSTANCE_COUNTS, ACTIVATION_COUNTS, FILE_INVOCATION_COUNTS, RUN_COUNTS];
