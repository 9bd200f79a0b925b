import type { NonceLedger } from '../auth/nonce-ledger.js';
import type { ActivationQueries } from './activation-queries.js';
import type { CommandQueries } from './command-queries.js';
import type { FileQueries } from './file-queries.js';
import type { InstancePresence } from './instance-presence.js';
import type { InstanceQueries } from './instance-queries.js';
import type { InvocationQueries } from './invocation-queries.js';
import type {
  ActivationRecord,
  ClientTokenRecord,
  CommandRecord,
  FileDeliveryRecord,
  FileInvocationRecord,
  InstanceInvocationStatus,
  InstanceRecord,
  InstanceRunRecord,
  InvocationRecord,
} from './records.js';
import type { RetentionPurge } from './retention-purge.js';
import type { SweepQueries } from './sweep-queries.js';

/**
 * The public members of a class (methods and readonly fields, not its private state): a
 * structural type that another implementation can satisfy. TypeScript compares classes with
 * private members by declaration, so a second store could not stand in for the SQLite classes
 * themselves; it can for their shapes.
 */
export type PublicShape<T> = { readonly [K in keyof T]: T[K] };

/** One kind of record kept by id (DocumentTable is the SQLite one). */
export interface RecordTable<T> {
  get(id: string): T | undefined;
  /** A new record (its id is not stored yet). */
  add(record: T): void;
  /** Adds or replaces the record. */
  put(record: T): void;
  delete(id: string): void;
  /** How many records carry `label` (TableSpec.labelOf), without reading them. */
  countWithLabel(label: string): number;
}

/**
 * What the control plane's services need of its durable store: the records, the Describe*
 * queries, transactions with the outbox rule (afterCommit) and the agents' group commit. The
 * services, the API handlers and the hub depend on this; `Store` (store.ts, one SQLite file) is
 * the implementation the server builds (controlplane/startup/data-dir.ts), so a PostgreSQL one
 * can be put in its place there. Its rules are those Store documents: every write is durable
 * before what it acknowledges is sent, a transaction's parts land together or not at all, and a
 * group's work commits by the next turn of the event loop.
 */
export interface ControlPlaneStore {
  readonly commands: RecordTable<CommandRecord>;
  readonly invocations: RecordTable<InvocationRecord>;
  /** One row per (invocation, instance): the current run. */
  readonly runs: RecordTable<InstanceRunRecord>;
  /** Finished runs of repeating tasks, one record per run (IncludeHistory). */
  readonly runHistory: RecordTable<InstanceRunRecord>;
  readonly instances: RecordTable<InstanceRecord>;
  readonly activations: RecordTable<ActivationRecord>;
  readonly clientTokens: RecordTable<ClientTokenRecord>;
  readonly fileInvocations: RecordTable<FileInvocationRecord>;
  readonly fileDeliveries: RecordTable<FileDeliveryRecord>;

  readonly invocationQueries: PublicShape<InvocationQueries>;
  readonly commandQueries: PublicShape<CommandQueries>;
  readonly instanceQueries: PublicShape<InstanceQueries>;
  readonly activationQueries: PublicShape<ActivationQueries>;
  readonly fileQueries: PublicShape<FileQueries>;
  readonly sweepQueries: PublicShape<SweepQueries>;
  /** Each instance's `connected` column and last heartbeat. */
  readonly presence: PublicShape<InstancePresence>;
  /** The signature nonces of accepted requests (replays are refused across restarts). */
  readonly nonces: NonceLedger;
  /** Deletes what is older than the retention period, in batches. */
  readonly retention: PublicShape<RetentionPurge>;

  /** Runs `work` in one transaction (nested calls are savepoints). */
  transaction<T>(work: () => T): T;
  /** Runs `work` in the group transaction of this turn of the event loop (see Store.group). */
  group<T>(work: () => T): T;
  /** Commits the open group transaction now; false when that commit failed. */
  flush(): boolean;
  /** Runs `callback` once what the current transaction wrote is durable. */
  afterCommit(callback: () => void): void;

  /** An invocation's runs, in its instance order. */
  runsOf(invocation: Pick<InvocationRecord, 'invokeId'>): InstanceRunRecord[];
  /** A SendFile's deliveries, in its instance order. */
  deliveriesOf(invocation: Pick<FileInvocationRecord, 'invokeId'>): FileDeliveryRecord[];
  /** The finished runs of one instance's part of an invocation, oldest first. */
  historyOf(invokeId: string, instanceId: string): InstanceRunRecord[];
  /** An instance's live runs in one of `statuses` (unfinished ones only), newest first. */
  runsOn(instanceId: string, statuses: readonly InstanceInvocationStatus[]): InstanceRunRecord[];
  /** Scheduled runs due at `now` (an API time), soonest first. */
  dueRuns(now: string): InstanceRunRecord[];
  /** One run by its invocation and instance. */
  run(invokeId: string, instanceId: string): InstanceRunRecord | undefined;
  /** Commits what is open and closes the store. */
  close(): void;
}
