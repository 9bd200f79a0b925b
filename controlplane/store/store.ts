import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { storeTransactions } from './store-events.js';
import { NonceTable } from './nonce-table.js';
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

/**
 * A table of JSON documents keyed by id, listed newest first (by insertion order). An optional
 * `labelOf` (e.g. a run's status) is kept in an indexed column, so `withLabel` reads only the
 * documents it needs.
 */
class Collection<T> {
  private readonly insert: Database.Statement;
  private readonly update: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly keyOf: (record: T) => string,
    private readonly labelOf?: (record: T) => string,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, label TEXT NOT NULL DEFAULT '')`);
    this.migrateLabel();
    db.exec(`CREATE INDEX IF NOT EXISTS ${table}_label ON ${table} (label)`);
    this.insert = db.prepare(`INSERT INTO ${table} (id, doc, label) VALUES (?, ?, ?)`);
    this.update = db.prepare(`UPDATE ${table} SET doc = ?, label = ? WHERE id = ?`);
    this.selectOne = db.prepare(`SELECT doc FROM ${table} WHERE id = ?`);
    this.selectAll = db.prepare(`SELECT doc FROM ${table} ORDER BY seq DESC`);
    this.remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
  }

  /** A data dir written before labels existed gets the column, and unlabelled rows are filled in. */
  private migrateLabel(): void {
    const columns = this.db.prepare(`PRAGMA table_info(${this.table})`).all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'label')) this.db.exec(`ALTER TABLE ${this.table} ADD COLUMN label TEXT NOT NULL DEFAULT ''`);
    const labelOf = this.labelOf;
    if (!labelOf) return;
    const setLabel = this.db.prepare(`UPDATE ${this.table} SET label = ? WHERE id = ?`);
    const rows = this.db.prepare(`SELECT id, doc FROM ${this.table} WHERE label = ''`).all() as Array<{ id: string; doc: string }>;
    this.db.transaction(() => {
      for (const row of rows) setLabel.run(labelOf(JSON.parse(row.doc) as T), row.id);
    })();
  }

  private label(record: T): string {
    return this.labelOf?.(record) ?? '';
  }

  get(id: string): T | undefined {
    const row = this.selectOne.get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }
  /** Newest first. */
  all(): T[] {
    return (this.selectAll.all() as Array<{ doc: string }>).map((row) => JSON.parse(row.doc) as T);
  }
  /** The documents whose label is one of `labels`, newest first. */
  withLabel(labels: readonly string[]): T[] {
    if (labels.length === 0) return [];
    const marks = labels.map(() => '?').join(', ');
    const rows = this.db.prepare(`SELECT doc FROM ${this.table} WHERE label IN (${marks}) ORDER BY seq DESC`).all(...labels) as Array<{ doc: string }>;
    return rows.map((row) => JSON.parse(row.doc) as T);
  }
  /** How many documents carry `label`, without reading them. */
  countWithLabel(label: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.table} WHERE label = ?`).get(label) as { n: number }).n;
  }
  add(record: T): void {
    this.insert.run(this.keyOf(record), JSON.stringify(record), this.label(record));
  }
  put(record: T): void {
    const info = this.update.run(JSON.stringify(record), this.label(record), this.keyOf(record));
    if (info.changes === 0) this.add(record);
  }
  delete(id: string): void {
    this.remove.run(id);
  }
}

/** The label of a region's kept commands (CmdCount.ExceedQuota counts them). */
export function keptCommandsLabel(command: Pick<CommandRecord, 'regionId' | 'kept'>): string {
  return command.kept ? `${command.regionId}/kept` : `${command.regionId}/run-only`;
}

/** The label of a region's invocations of one UTC day (Invocation.ExceedQuota counts them). */
export function invocationDayLabel(regionId: string, time: string): string {
  return `${regionId}/${time.slice(0, 10)}`;
}

export const runKey = (invokeId: string, instanceId: string): string => `${invokeId}/${instanceId}`;

/**
 * The durable state of the control plane: one SQLite file (WAL mode). Every write is
 * committed before the caller acknowledges it, so a restart loses nothing.
 */
export class Store {
  private readonly db: Database.Database;
  private depth = 0;
  private committed: Array<() => void> = [];
  readonly commands: Collection<CommandRecord>;
  readonly invocations: Collection<InvocationRecord>;
  readonly runs: Collection<InstanceRunRecord>;
  /** Finished runs of repeating tasks, one record per run (IncludeHistory). */
  readonly runHistory: Collection<InstanceRunRecord>;
  readonly instances: Collection<InstanceRecord>;
  readonly activations: Collection<ActivationRecord>;
  readonly clientTokens: Collection<ClientTokenRecord>;
  /** SendFile calls and their per-instance rows (keyed by runKey). */
  readonly fileInvocations: Collection<FileInvocationRecord>;
  readonly fileDeliveries: Collection<FileDeliveryRecord>;
  readonly nonces: NonceTable;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // Labels serve the quotas: kept commands per region, invocations per region and UTC day.
    this.commands = new Collection<CommandRecord>(this.db, 'commands', (r) => r.commandId, keptCommandsLabel);
    this.invocations = new Collection(this.db, 'invocations', (r) => r.invokeId, (r) => invocationDayLabel(r.regionId, r.creationTime));
    // Labelled by status: the scheduler, the delivery sweeper and reconnects read few rows.
    this.runs = new Collection(this.db, 'instance_runs', (r) => runKey(r.invokeId, r.instanceId), (r) => r.status);
    this.runHistory = new Collection(this.db, 'run_history', (r) => `${runKey(r.invokeId, r.instanceId)}/${r.run}`);
    this.instances = new Collection(this.db, 'instances', (r) => r.instanceId);
    this.activations = new Collection(this.db, 'activations', (r) => r.activationId);
    this.clientTokens = new Collection(this.db, 'client_tokens', (r) => r.key);
    this.fileInvocations = new Collection(this.db, 'file_invocations', (r) => r.invokeId);
    this.fileDeliveries = new Collection(this.db, 'file_deliveries', (r) => runKey(r.invokeId, r.instanceId));
    this.nonces = new NonceTable(this.db);
  }

  /**
   * Runs `work` in one transaction: all of its writes land, or none. Transactions nest (as
   * savepoints); callbacks given to `afterCommit` inside run once the outermost one has
   * committed, and are dropped when the part they were registered in rolls back.
   */
  transaction<T>(work: () => T): T {
    const mark = this.committed.length;
    const timed = this.depth === 0 && storeTransactions.hasSubscribers ? performance.now() : undefined;
    this.depth += 1;
    let result: T;
    try {
      result = this.db.transaction(work)();
    } catch (error) {
      this.committed.length = mark;
      if (timed !== undefined) storeTransactions.publish({ store: this, durationMs: performance.now() - timed, ok: false });
      throw error;
    } finally {
      this.depth -= 1;
    }
    if (timed !== undefined) storeTransactions.publish({ store: this, durationMs: performance.now() - timed, ok: true });
    if (this.depth === 0) {
      const callbacks = this.committed;
      this.committed = [];
      for (const callback of callbacks) callback();
    }
    return result;
  }

  /**
   * Runs `callback` once what the current transaction wrote is durable (at once outside a
   * transaction): the outbox rule, persist first, then act (e.g. push a task to an agent).
   */
  afterCommit(callback: () => void): void {
    if (this.depth === 0) callback();
    else this.committed.push(callback);
  }

  /** The per-instance rows of one invocation, in the invocation's instance order. */
  runsOf(invocation: InvocationRecord): InstanceRunRecord[] {
    return invocation.instanceIds
      .map((instanceId) => this.runs.get(runKey(invocation.invokeId, instanceId)))
      .filter((run): run is InstanceRunRecord => run !== undefined);
  }

  /** The per-instance rows of one SendFile, in its instance order. */
  deliveriesOf(invocation: FileInvocationRecord): FileDeliveryRecord[] {
    return invocation.instanceIds
      .map((instanceId) => this.fileDeliveries.get(runKey(invocation.invokeId, instanceId)))
      .filter((row): row is FileDeliveryRecord => row !== undefined);
  }

  /** The finished runs of one instance's part of an invocation, oldest first. */
  historyOf(invokeId: string, instanceId: string): InstanceRunRecord[] {
    return this.runHistory
      .all()
      .filter((r) => r.invokeId === invokeId && r.instanceId === instanceId)
      .sort((a, b) => a.run - b.run);
  }

  close(): void {
    this.db.close();
  }
}
