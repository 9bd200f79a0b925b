import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isFinal } from '../invocations/aggregate-status.js';
import { invocationStatusColumns } from '../invocations/status-filters.js';
import { fileAggregateStatus } from '../files/file-aggregate-status.js';
import { ActivationQueries } from './activation-queries.js';
import { FileQueries } from './file-queries.js';
import { DocumentTable, indexName, TAGS_DDL } from './document-table.js';
import { CommandQueries } from './command-queries.js';
import { InstancePresence } from './instance-presence.js';
import { InstanceQueries } from './instance-queries.js';
import { InvocationQueries } from './invocation-queries.js';
import { performance } from 'node:perf_hooks';
import { storeTransactions } from './store-events.js';
import { NonceTable } from './nonce-table.js';
import { SweepQueries } from './sweep-queries.js';
import type {
  ActivationRecord,
  ClientTokenRecord,
  CommandRecord,
  FileDeliveryRecord,
  FileInstanceStatus,
  FileInvocationRecord,
  InstanceInvocationStatus,
  InstanceRecord,
  InstanceRunRecord,
  InvocationRecord,
  RepeatMode,
} from './records.js';
import { RetentionPurge, type PurgedRuns } from './retention-purge.js';
import { RowCounts } from './row-counts.js';
import { RunCountDeltas } from './run-count-deltas.js';
import { documentsOf } from './documents.js';
import { WAL_SIZE_LIMIT, type CheckpointerFactory, type WalCheckpointer } from './wal-checkpointer.js';
import type { ControlPlaneStore } from './control-plane-store.js';
import {
  ACTIVATIONS,
  CLIENT_TOKENS,
  COMMANDS,
  COUNTED_TABLES,
  FILE_DELIVERIES,
  FILE_INVOCATIONS,
  INSTANCE_RUNS,
  INSTANCES,
  INVOCATIONS,
  RUN_HISTORY,
  RUNS_OF_INVOCATION,
} from './table-specs.js';
import { runKey } from './record-keys.js';

/**
 * 1: JSON documents with an indexed `label` (up to issue 9). 2: the columns and indexes of
 * table-specs.ts, the `tags` table and the per-invocation status counts. 3: runs' next_run_time.
 * 4: the listing columns of instances, activations and SendFiles (and their tags), deliveries'
 * region and SendFile sequence, and each SendFile's aggregate `file_status`; the sweepers'
 * columns (deliveries' update_time; runs' delivered_time, held_ms and timeout_s). 5: instances'
 * `connected` (instance-presence.ts; starts 0). 6: the `row_counts` table and its triggers
 * (row-counts.ts), counted from the rows (and tags' (kind, id, tag_key, tag_value) index, made
 * at open like the other indexes); runs' `live` and its per-instance partial index in place of
 * (instance_id, status); instances' InvocationCount and LastInvokedTime counted from their runs,
 * the documents keeping only what retention purged (InstanceQueries.runStats), and their last
 * heartbeat in a column. 7: the scheduler's run index (status, next_run_time) became a partial
 * index of Scheduled runs. 8: no run index by invoke_id (an invocation's runs are found by its
 * region and sequence number, on the index that lists a region's results). Opening an older data dir derives what it lacks from the documents,
 * once, in one transaction (new indexes are made at open, like every index).
 */
export const SCHEMA_VERSION = 8;

/** The run indexes by invoke_id that schema 8 dropped (RUNS_OF_INVOCATION took their place). */
export const RETIRED_RUN_INDEXES = ['invoke_id, seq', 'region_id, invoke_id, seq'].map((index) => indexName(INSTANCE_RUNS.name, index));

/**
 * SQLite's page cache (default 2 MiB): the hot index pages of a busy fleet stay in memory; the
 * rest of the file is in the OS page cache anyway. Not larger: every commit that grows the file
 * walks the cache's hash table (pcache1TruncateUnsafe), and at 64 MiB that cost more than the
 * hits gained (RunCommand's store write path 2.95-3.10 ms with 64 MiB, 2.89-2.96 with 8 MiB).
 */
const STORE_CACHE_KIB = 8 * 1024;

/** SQLite's default automatic checkpoint (frames), restored when the checkpoint worker ends. */
const SQLITE_AUTOCHECKPOINT = 1000;

/**
 * The durable state of the control plane: one SQLite file (WAL mode). Every write is
 * committed before the caller acknowledges it, so a restart loses nothing.
 *
 * The SQL is portable where that costs nothing (no SQLite-only functions; `INSERT … ON CONFLICT`
 * upserts; LIKE with `case_sensitive_like`, which is PostgreSQL's LIKE); a PostgreSQL store would
 * implement the same tables and the query classes (InvocationQueries, CommandQueries,
 * InstanceQueries, ActivationQueries, FileQueries) behind ControlPlaneStore
 * (control-plane-store.ts), which is what the services depend on.
 */
export class Store implements ControlPlaneStore {
  private readonly db: Database.Database;
  private depth = 0;
  private committed: Array<() => void> = [];
  /** A group transaction is open (see `group`); it commits at the next turn of the event loop. */
  private groupOpen = false;
  private inGroupWork = false;
  private readonly onGroupFailed: (error: unknown) => void;
  readonly commands: DocumentTable<CommandRecord>;
  readonly invocations: DocumentTable<InvocationRecord>;
  readonly runs: DocumentTable<InstanceRunRecord>;
  /** Finished runs of repeating tasks, one record per run (IncludeHistory). */
  readonly runHistory: DocumentTable<InstanceRunRecord>;
  readonly instances: DocumentTable<InstanceRecord>;
  readonly activations: DocumentTable<ActivationRecord>;
  readonly clientTokens: DocumentTable<ClientTokenRecord>;
  /** SendFile calls and their per-instance rows (keyed by runKey). */
  readonly fileInvocations: DocumentTable<FileInvocationRecord>;
  readonly fileDeliveries: DocumentTable<FileDeliveryRecord>;
  /** The Describe* queries, filtered, sorted and paged in SQL. */
  readonly invocationQueries: InvocationQueries;
  readonly commandQueries: CommandQueries;
  readonly instanceQueries: InstanceQueries;
  /** The instances' `connected` column, set by the agent sessions (reset to 0 at open). */
  readonly presence: InstancePresence;
  readonly activationQueries: ActivationQueries;
  readonly fileQueries: FileQueries;
  readonly sweepQueries: SweepQueries;
  readonly retention: RetentionPurge;
  /** The TotalCount counters (row-counts.ts), kept by triggers and, for runs, by writeRunCounts. */
  private readonly rowCounts: RowCounts;
  private readonly runsOfInvocation: Database.Statement;
  private readonly deliveriesOfInvocation: Database.Statement;
  private readonly historyOfRun: Database.Statement;
  private readonly countAdd: Database.Statement;
  private readonly countDrop: Database.Statement;
  /** The open transaction's changes of the run counts, written once per counter before it commits. */
  private readonly runCounts = new RunCountDeltas();
  private readonly statusesOf: Database.Statement;
  private readonly repeatModeOf: Database.Statement;
  private readonly setStatus: Database.Statement;
  /** better-sqlite3 transaction functions, made once (making one per call costs more than the savepoint). */
  private readonly outermostTransaction: (work: () => unknown) => unknown;
  private readonly nestedTransaction: (work: () => unknown) => unknown;
  /** The group commit's own statements, prepared once. */
  private readonly groupStatements: { begin: Database.Statement; commit: Database.Statement };
  /** Invocations whose runs changed status in the open transaction (see refreshChanged). */
  private readonly statusChanged = new Set<string>();
  private readonly deliveryStatusesOf: Database.Statement;
  private readonly setFileStatus: Database.Statement;
  readonly nonces: NonceTable;
  /** Checkpoints the WAL off the event loop (the `checkpointer` option). */
  readonly checkpointer: WalCheckpointer | undefined;
  /** The scheduler's query (every second), prepared at its first tick. */
  private dueRunsAt: Database.Statement | undefined;

  /**
   * `onGroupFailed` hears of a group commit that failed (its work was rolled back, nothing
   * acknowledged). `checkpointer` takes the WAL's checkpoints (checkpointOnWorker: on a worker
   * thread, the server's choice); without it SQLite checkpoints inside the commits, on the
   * caller's thread.
   */
  constructor(file: string, options: { onGroupFailed?: (error: unknown) => void; checkpointer?: CheckpointerFactory } = {}) {
    this.onGroupFailed = options.onGroupFailed ?? (() => undefined);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Statement journals (each savepoint has one, and so has each statement that fires a trigger:
    // the row counts') and sorts stay in memory: on the default they spill to temporary files, an
    // open, unlink and close per RunCommand under load, and setting one up per statement cost more
    // than the row-count trigger's own work (an invocation insert 33 µs, 15 µs in memory). A query
    // sorts at most a page's rows (the query-plan tests); building a new index on a big table at an
    // upgrade takes memory for a while.
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma(`cache_size = -${STORE_CACHE_KIB}`);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    const tagColumns = this.db.prepare('PRAGMA table_info(tags)').all() as Array<{ name: string }>;
    if (tagColumns.length > 0 && !tagColumns.some((c) => c.name === 'seq')) this.db.exec('ALTER TABLE tags ADD COLUMN seq INTEGER');
    for (const ddl of TAGS_DDL) this.db.exec(ddl);
    this.db.exec('CREATE TABLE IF NOT EXISTS invocation_run_counts (invoke_id TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (invoke_id, status))');
    this.commands = new DocumentTable(this.db, COMMANDS);
    this.invocations = new DocumentTable(this.db, INVOCATIONS, [
      { name: 'invoke_status', type: 'TEXT' },
      { name: 'timed', type: 'INTEGER' },
    ]);
    this.runs = new DocumentTable(this.db, {
      ...INSTANCE_RUNS,
      writeBehind: true,
      afterWrite: (run, previous) => this.runStatusChanged(run.invokeId, previous?.status as InstanceInvocationStatus | undefined, run.status),
      afterDelete: (id, previous) => this.runStatusChanged(id.slice(0, id.indexOf('/')), previous.status as InstanceInvocationStatus, undefined),
    });
    this.runHistory = new DocumentTable(this.db, RUN_HISTORY);
    this.instances = new DocumentTable(this.db, INSTANCES);
    this.presence = new InstancePresence(this.db);
    this.activations = new DocumentTable(this.db, ACTIVATIONS);
    this.clientTokens = new DocumentTable(this.db, CLIENT_TOKENS);
    this.fileInvocations = new DocumentTable(this.db, FILE_INVOCATIONS, [{ name: 'file_status', type: 'TEXT' }]);
    this.fileDeliveries = new DocumentTable(this.db, {
      ...FILE_DELIVERIES,
      afterWrite: (row, previous) => {
        if (previous?.label !== row.status) this.refreshFileStatus(row.invokeId);
      },
      afterDelete: (id) => this.refreshFileStatus(id.slice(0, id.indexOf('/'))),
    });
    this.runsOfInvocation = this.db.prepare(`SELECT doc FROM instance_runs WHERE ${RUNS_OF_INVOCATION} ORDER BY seq`);
    this.deliveriesOfInvocation = this.db.prepare('SELECT doc FROM file_deliveries WHERE invoke_id = ? ORDER BY seq');
    this.historyOfRun = this.db.prepare('SELECT doc FROM run_history WHERE invoke_id = ? AND instance_id = ? ORDER BY run');
    // While the invocation exists (a purge in the same transaction may have deleted it and its counts).
    this.countAdd = this.db.prepare(
      'INSERT INTO invocation_run_counts (invoke_id, status, n) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM invocations WHERE id = ?) ON CONFLICT (invoke_id, status) DO UPDATE SET n = n + excluded.n',
    );
    this.countDrop = this.db.prepare('DELETE FROM invocation_run_counts WHERE invoke_id = ? AND status = ? AND n <= 0');
    this.statusesOf = this.db.prepare('SELECT status FROM invocation_run_counts WHERE invoke_id = ? AND n > 0');
    this.repeatModeOf = this.db.prepare('SELECT repeat_mode, invoke_status, timed FROM invocations WHERE id = ?');
    this.outermostTransaction = this.db.transaction((work: () => unknown) => {
      const value = work();
      this.refreshChanged();
      return value;
    });
    this.nestedTransaction = this.db.transaction((work: () => unknown) => work());
    this.groupStatements = { begin: this.db.prepare('BEGIN'), commit: this.db.prepare('COMMIT') };
    this.setStatus = this.db.prepare('UPDATE invocations SET invoke_status = ?, timed = ? WHERE id = ?');
    this.deliveryStatusesOf = this.db.prepare('SELECT status FROM file_deliveries WHERE invoke_id = ?');
    this.setFileStatus = this.db.prepare('UPDATE file_invocations SET file_status = ? WHERE id = ?');
    this.invocationQueries = new InvocationQueries(this.db);
    this.commandQueries = new CommandQueries(this.db);
    this.instanceQueries = new InstanceQueries(this.db);
    this.activationQueries = new ActivationQueries(this.db);
    this.fileQueries = new FileQueries(this.db);
    this.sweepQueries = new SweepQueries(this.db, () => this.runs.flushPending());
    this.nonces = new NonceTable(this.db);
    this.rowCounts = new RowCounts(this.db, COUNTED_TABLES);
    this.retention = new RetentionPurge(this.db, (id) => {
      this.invocations.forget(id);
      this.runs.forgetWritten();
    }, this.rowCounts, (purged) => this.keepPurgedCounts(purged));
    this.rowCounts.install();
    if (version < SCHEMA_VERSION) this.migrate(version);
    // No agent session survives a restart (the count triggers follow).
    this.presence.resetAll();
    this.checkpointer = options.checkpointer && file !== ':memory:' ? this.handCheckpointsTo(options.checkpointer, file) : undefined;
  }

  /** Hands the WAL's checkpoints over; they return to the commits if the checkpointer ends. */
  private handCheckpointsTo(checkpointer: CheckpointerFactory, file: string): WalCheckpointer {
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    this.db.pragma('wal_autocheckpoint = 0');
    return checkpointer(file, () => {
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
    });
  }

  /** Adds what retention purged of instances' runs to their records (InstanceQueries.runStats). */
  private keepPurgedCounts(purged: PurgedRuns): void {
    for (const [instanceId, runs] of purged) {
      const instance = this.instances.get(instanceId);
      if (!instance) continue;
      const last = instance.purgedLastInvokedTime ?? '';
      this.instances.put({
        ...instance,
        purgedInvocationCount: (instance.purgedInvocationCount ?? 0) + runs.count,
        purgedLastInvokedTime: runs.newest > last ? runs.newest : last,
      });
    }
  }

  /**
   * Schema 6: an instance's document kept InvocationCount and LastInvokedTime, raised by every
   * invocation; now they are counted from its runs, and the document keeps what is no longer
   * among them (what retention had purged). The last heartbeat moves to its column first.
   */
  private migrateInstanceCounts(): void {
    this.db.exec("UPDATE instances SET last_heartbeat = COALESCE(json_extract(doc, '$.lastHeartbeatTime'), '') WHERE last_heartbeat = ''");
    const kept = this.db.prepare('SELECT COUNT(*) AS n FROM instance_runs WHERE region_id = ? AND instance_id = ?');
    for (const row of this.db.prepare('SELECT doc FROM instances').all() as Array<{ doc: string }>) {
      const old = JSON.parse(row.doc) as InstanceRecord & { invocationCount?: number; lastInvokedTime?: string; lastHeartbeatTime?: string };
      if (old.purgedInvocationCount !== undefined) continue;
      const { invocationCount = 0, lastInvokedTime = '', lastHeartbeatTime: _heartbeat, ...rest } = old;
      const runs = (kept.get(old.regionId, old.instanceId) as { n: number }).n;
      this.instances.put({ ...rest, purgedInvocationCount: Math.max(0, invocationCount - runs), purgedLastInvokedTime: lastInvokedTime });
    }
  }

  /** Derives the columns, tags and counts of rows written by an older schema (idempotent). */
  private migrate(version: number): void {
    this.db.transaction(() => {
      // Schema 7 replaced it with the partial index of Scheduled runs.
      this.db.exec('DROP INDEX IF EXISTS instance_runs_by_status_next_run_time');
      // Schema 8 finds an invocation's runs on (region_id, invoke_seq) (RUNS_OF_INVOCATION).
      for (const name of RETIRED_RUN_INDEXES) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
      if (version < 6) this.migrateToSix(version);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  private migrateToSix(version: number): void {
    // Without the count triggers: rows are rewritten, and counted afresh afterwards anyway.
    this.rowCounts.uninstall();
    try {
      // Schema 6 replaced it with the per-instance index of live runs.
      this.db.exec('DROP INDEX IF EXISTS instance_runs_by_instance_id_status');
      // Before 5 every table's columns; a schema 5 data dir lacks only the runs' `live`.
      if (version < 5) this.rederiveAll();
      else this.runs.rederive();
      this.migrateInstanceCounts();
    } finally {
      this.rowCounts.install();
    }
    this.rowCounts.refill();
  }

  /** Every table's columns, tags and status columns, from the documents. */
  private rederiveAll(): void {
    for (const table of [this.commands, this.invocations, this.runs, this.runHistory, this.instances, this.activations, this.clientTokens, this.fileInvocations, this.fileDeliveries]) {
      table.rederive();
    }
    this.db.exec('DELETE FROM invocation_run_counts');
    this.db.exec('INSERT INTO invocation_run_counts (invoke_id, status, n) SELECT invoke_id, status, COUNT(*) FROM instance_runs GROUP BY invoke_id, status');
    for (const row of this.db.prepare('SELECT id FROM invocations').all() as Array<{ id: string }>) this.refreshInvocationStatus(row.id);
    for (const row of this.db.prepare('SELECT id FROM file_invocations').all() as Array<{ id: string }>) this.refreshFileStatus(row.id);
  }

  /** Keeps the per-invocation status counts, the region's run count and the invocation's derived status columns current. */
  private runStatusChanged(invokeId: string, before: InstanceInvocationStatus | undefined, after: InstanceInvocationStatus | undefined): void {
    if (before === after) return;
    this.runCounts.change(invokeId, before, after);
    // Counted and derived once per invocation per transaction, just before it commits
    // (refreshChanged, which every transaction of the store and the group's flush call): a
    // RunCommand on 100 instances writes each counter once, and a burst of 100 runs' messages
    // rewrites the invocation row once, not 300 times. A write outside any transaction does it now.
    if (this.db.inTransaction) {
      this.statusChanged.add(invokeId);
      return;
    }
    this.writeRunCounts();
    this.refreshInvocationStatus(invokeId);
  }

  /** Writes the summed run-count changes (RunCountDeltas): one statement per changed counter. */
  private writeRunCounts(): void {
    for (const { invokeId, rows, statuses } of this.runCounts.drain()) {
      // The region's run rows (row-counts.ts; not a trigger, see RUN_COUNTS).
      this.rowCounts.runsAdded(invokeId, rows);
      for (const [status, delta] of statuses) {
        this.countAdd.run(invokeId, status, delta, invokeId);
        if (delta < 0) this.countDrop.run(invokeId, status);
      }
    }
  }

  /** Writes the transaction's run counts, then re-derives the status columns of the invocations whose runs changed. */
  private refreshChanged(): void {
    this.writeRunCounts();
    if (this.statusChanged.size === 0) return;
    const ids = [...this.statusChanged];
    this.statusChanged.clear();
    for (const id of ids) this.refreshInvocationStatus(id);
  }

  private refreshInvocationStatus(invokeId: string): void {
    const row = this.repeatModeOf.get(invokeId) as { repeat_mode: RepeatMode; invoke_status: string | null; timed: number | null } | undefined;
    if (!row) return;
    const statuses = (this.statusesOf.all(invokeId) as Array<{ status: InstanceInvocationStatus }>).map((r) => r.status);
    const columns = invocationStatusColumns(row.repeat_mode, statuses);
    const timed = columns.timed ? 1 : 0;
    // Unchanged (most run transitions): no write, so the invocation's status indexes stay as they are.
    if (row.invoke_status === columns.invokeStatus && row.timed === timed) return;
    this.setStatus.run(columns.invokeStatus, timed, invokeId);
  }

  /** Keeps a SendFile's aggregate status column current (its deliveries are few: at most 50). */
  private refreshFileStatus(invokeId: string): void {
    const statuses = (this.deliveryStatusesOf.all(invokeId) as Array<{ status: FileInstanceStatus }>).map((r) => r.status);
    this.setFileStatus.run(fileAggregateStatus(statuses), invokeId);
  }

  /**
   * Runs `work` in one transaction: all of its writes land, or none. Transactions nest (as
   * savepoints); callbacks given to `afterCommit` inside run once the outermost one has
   * committed, and are dropped when the part they were registered in rolls back.
   */
  transaction<T>(work: () => T): T {
    // Another writer commits the open group first: its own commit then covers only its work.
    if (this.groupOpen && this.depth === 0 && !this.inGroupWork) this.flush();
    const mark = this.committed.length;
    const pendingMark = this.runs.pendingMark();
    const countsMark = this.runCounts.mark();
    // Timed: each transaction of its own; a group's parts are savepoints, and flush times their commit.
    const timed = this.depth === 0 && !this.groupOpen ? this.timing() : undefined;
    this.depth += 1;
    let result: T;
    try {
      // The outermost transaction of its own (not a group's part) derives the statuses before it commits.
      const outermost = this.depth === 1 && !this.groupOpen;
      result = (outermost ? this.outermostTransaction : this.nestedTransaction)(work) as T;
    } catch (error) {
      this.committed.length = mark;
      for (const table of this.cachedTables()) table.forgetWritten();
      this.runs.rollbackPendingTo(pendingMark);
      this.runCounts.rollbackTo(countsMark);
      if (this.groupOpen && !this.db.inTransaction) this.groupLost(error); // SQLite rolled back all of it
      this.published(timed, false);
      throw error;
    } finally {
      this.depth -= 1;
    }
    this.published(timed, true);
    if (this.depth === 0 && !this.groupOpen) this.runCommitted();
    return result;
  }

  /**
   * Group commit: runs `work` like `transaction`, but inside one transaction shared by every
   * `group` call of this turn of the event loop, committed at the next turn (setImmediate) or
   * as soon as any other transaction starts, whichever is first. What `work` registers with
   * `afterCommit` (an agent's acknowledgement, a task push) runs after that commit, so the
   * outbox rule holds; an agent's burst of messages costs one commit instead of one each.
   * `work` still fails alone (it is a savepoint). Inside a transaction it simply nests.
   */
  group<T>(work: () => T): T {
    if (this.depth > 0) return this.transaction(work);
    if (!this.groupOpen) {
      this.groupStatements.begin.run();
      this.groupOpen = true;
      this.runs.deferWrites();
      setImmediate(() => this.flush());
    }
    this.inGroupWork = true;
    try {
      return this.transaction(work);
    } finally {
      this.inGroupWork = false;
    }
  }

  /**
   * Commits the open group transaction, if any, then runs its afterCommit callbacks. False when
   * that commit failed (its work is rolled back and nothing it registered runs).
   */
  flush(): boolean {
    if (!this.groupOpen) return true;
    this.groupOpen = false;
    const timed = this.timing();
    try {
      if (this.db.inTransaction) {
        this.runs.writePending();
        this.refreshChanged();
        this.groupStatements.commit.run();
      }
    } catch (error) {
      if (this.db.inTransaction) this.db.prepare('ROLLBACK').run();
      this.published(timed, false);
      this.groupLost(error);
      return false;
    }
    this.published(timed, true);
    for (const table of this.cachedTables()) table.committed();
    this.runCommitted();
    return true;
  }

  /** When a timed transaction starts: only while the metrics listen (store-events.ts). */
  private timing(): number | undefined {
    return storeTransactions.hasSubscribers ? performance.now() : undefined;
  }

  /** Publishes a transaction begun at `timed` (see `timing`). */
  private published(timed: number | undefined, ok: boolean): void {
    if (timed !== undefined) storeTransactions.publish({ store: this, durationMs: performance.now() - timed, ok });
  }

  /** The group's work is gone: nothing it registered may run (its messages stay unacknowledged). */
  private groupLost(error: unknown): void {
    this.groupOpen = false;
    this.runs.discardPending();
    this.runCounts.clear();
    this.committed = [];
    for (const table of this.cachedTables()) {
      table.forgetWritten();
      table.committed();
    }
    this.onGroupFailed(error);
  }

  private runCommitted(): void {
    for (const table of this.cachedTables()) table.committed();
    const callbacks = this.committed;
    this.committed = [];
    for (const callback of callbacks) callback();
  }

  /**
   * Runs `callback` once what the current transaction wrote is durable (at once outside a
   * transaction): the outbox rule, persist first, then act (e.g. push a task to an agent).
   */
  afterCommit(callback: () => void): void {
    if (this.depth === 0 && !this.groupOpen) callback();
    else this.committed.push(callback);
  }

  /** The tables that keep parsed documents in memory (TableSpec.cacheSize, TableSpec.keepWritten). */
  private cachedTables(): ReadonlyArray<DocumentTable<unknown>> {
    return [this.invocations, this.instances, this.runs] as ReadonlyArray<DocumentTable<unknown>>;
  }

  /** The per-instance rows of one invocation, in the invocation's instance order (one index range). */
  runsOf(invocation: Pick<InvocationRecord, 'invokeId'>): InstanceRunRecord[] {
    this.runs.flushPending();
    return documentsOf<InstanceRunRecord>(this.runsOfInvocation.all(invocation.invokeId));
  }

  /** The per-instance rows of one SendFile, in its instance order. */
  deliveriesOf(invocation: Pick<FileInvocationRecord, 'invokeId'>): FileDeliveryRecord[] {
    return documentsOf<FileDeliveryRecord>(this.deliveriesOfInvocation.all(invocation.invokeId));
  }

  /** The finished runs of one instance's part of an invocation, oldest first. */
  historyOf(invokeId: string, instanceId: string): InstanceRunRecord[] {
    return documentsOf<InstanceRunRecord>(this.historyOfRun.all(invokeId, instanceId));
  }

  /**
   * An instance's runs in one of `statuses` (which must be unfinished ones), newest first, on
   * the per-instance index of live runs: it reads the instance's live runs, never its history.
   */
  runsOn(instanceId: string, statuses: readonly InstanceInvocationStatus[]): InstanceRunRecord[] {
    if (statuses.length === 0) return [];
    if (statuses.some(isFinal)) throw new Error(`runsOn reads live runs only, not ${statuses.join(', ')}`);
    this.runs.flushPending();
    const marks = statuses.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT doc FROM instance_runs WHERE instance_id = ? AND live = 1 AND status IN (${marks}) ORDER BY seq DESC`).all(instanceId, ...statuses) as Array<{ doc: string }>)
      .map((r) => JSON.parse(r.doc) as InstanceRunRecord);
  }

  /** Scheduled runs due at `now` (an API time), soonest first, on the partial index of Scheduled runs' next_run_time. */
  dueRuns(now: string): InstanceRunRecord[] {
    this.runs.flushPending();
    this.dueRunsAt ??= this.db.prepare("SELECT doc FROM instance_runs WHERE status = 'Scheduled' AND next_run_time <> '' AND next_run_time <= ? ORDER BY next_run_time");
    return (this.dueRunsAt.all(now) as Array<{ doc: string }>)
      .map((r) => JSON.parse(r.doc) as InstanceRunRecord);
  }

  /** One run by its parts (record-keys.ts spells its key). */
  run(invokeId: string, instanceId: string): InstanceRunRecord | undefined {
    return this.runs.get(runKey(invokeId, instanceId));
  }

  close(): void {
    this.flush();
    this.checkpointer?.stop();
    this.db.close();
  }
}
