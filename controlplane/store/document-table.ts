import type Database from 'better-sqlite3';
import type { Tag } from '../domain/tag.js';
import { documentsOf } from './documents.js';
import { WrittenRows } from './written-rows.js';

/** A value a column can hold (portable across SQLite and PostgreSQL). */
export type SqlValue = string | number | null;

/** What a row held before a write: its `seq`, `label` and mutable columns, by column name. */
export type StoredColumns = Readonly<Record<string, SqlValue>>;

/**
 * A column derived from a record: what queries filter, sort and page by. `insert` replaces the
 * `?` placeholder when the row is first written (e.g. a lookup of the parent's sequence number);
 * such columns are fixed at insertion and not rewritten by `put`.
 */
export interface Column<T> {
  name: string;
  type: 'TEXT' | 'INTEGER';
  value: (record: T) => SqlValue;
  insert?: string;
  /**
   * Never changes after the row is added (e.g. a run's invocation and instance): `put` leaves it,
   * and so every index made only of fixed columns, untouched (SQLite rewrites an index entry only
   * when the UPDATE assigns one of its columns).
   */
  fixed?: true;
}

export interface TableSpec<T> {
  name: string;
  keyOf: (record: T) => string;
  /** Kept in the indexed `label` column (the quotas count by it; older callers read by it). */
  labelOf?: (record: T) => string;
  columns?: readonly Column<T>[];
  /** Each entry is the column list of one index, e.g. `region_id, seq`, optionally with ` WHERE …` (partial). */
  indexes?: readonly string[];
  /** The record's tags, kept in the `tags` table (kind = table name) for the Tag.N filters. */
  tagsOf?: (record: T) => readonly Tag[];
  /** Called inside the write, with the label the row had before (undefined: a new row). */
  afterWrite?: (record: T, previous: StoredColumns | undefined) => void;
  afterDelete?: (id: string, previous: StoredColumns) => void;
  /** Keep up to this many parsed documents in memory (read often, written rarely: invocations). */
  cacheSize?: number;
  /**
   * Inside a group commit, `put` keeps the record in memory and writes it once, just before the
   * group commits (`writePending`): a run's task-ack, task-started and task-finished arriving in
   * one turn cost one UPDATE, not three. `get` sees the pending record; the store's own SQL
   * readers of the table (runsOf, runsOn, the sweeper…) call `flushPending` first. The Describe*
   * queries read what is committed plus what the open group has written so far (it commits at
   * the next turn): nothing they show has been acknowledged yet either way.
   */
  writeBehind?: boolean;
  /**
   * Keep the rows this store writes parsed, with their stored columns, while `while` holds (at
   * most `max`): the row's next read needs no SELECT and its next write no before-image (see
   * WrittenRows). For rows written again and again soon after (a live run); only a table written
   * solely through its DocumentTable can have it (the retention purge calls `forgetWritten`).
   */
  keepWritten?: { while: (record: T) => boolean; max: number };
}

/** The shared table of resource tags (one row per tag of a command, invocation or instance). */
/**
 * `seq` is the tagged row's: a Tag.N filter can walk the tag's index newest first and join the
 * rows by primary key, instead of probing tags while walking the whole region.
 */
export const TAGS_DDL = [
  'CREATE TABLE IF NOT EXISTS tags (kind TEXT NOT NULL, id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, seq INTEGER)',
  'CREATE INDEX IF NOT EXISTS tags_by_value ON tags (kind, tag_key, tag_value, id)',
  'CREATE INDEX IF NOT EXISTS tags_by_value_seq ON tags (kind, tag_key, tag_value, seq)',
  'CREATE INDEX IF NOT EXISTS tags_by_key_seq ON tags (kind, tag_key, seq)',
  // A row's own tags, covering (with only (kind, id) the planner took the covering tags_by_value
  // on `kind` alone and read every tag of the table for one row's).
  'DROP INDEX IF EXISTS tags_by_id',
  'CREATE INDEX IF NOT EXISTS tags_by_id_key_value ON tags (kind, id, tag_key, tag_value)',
];

const identifier = /^[a-z_][a-z0-9_]*$/;

/** The name of a table's index given as in TableSpec.indexes ("columns" or "columns WHERE condition"). */
export function indexName(table: string, index: string): string {
  const [columns = index, where] = index.split(/\s+WHERE\s+/);
  return `${table}_by_${columns.replace(/\s+DESC/gi, '').replace(/[^a-z0-9_]+/g, '_')}${where ? `_where_${shortHash(where)}` : ''}`;
}

/** A short, stable name part for a partial index's condition (FNV-1a, base 36). */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}

/**
 * A table of JSON documents keyed by id (`doc` holds the whole record, so records gain fields
 * without a migration), plus the columns queries need, each derived from the record on every
 * write. Listed newest first by `seq` (insertion order). The SQL is portable (no SQLite-only
 * functions); only `seq INTEGER PRIMARY KEY AUTOINCREMENT` would read `BIGSERIAL` in PostgreSQL.
 */
export class DocumentTable<T> {
  readonly name: string;
  private readonly columns: readonly Column<T>[];
  private readonly mutable: readonly Column<T>[];
  private readonly insertRow: Database.Statement;
  private countLabel: Database.Statement | undefined;
  /** UPDATE statements by the set of changed columns (see `put`). */
  private readonly updates = new Map<number, Database.Statement>();
  private readonly selectBefore: Database.Statement;
  private readonly selectTags: Database.Statement | undefined;
  private readonly selectOne: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly deleteRow: Database.Statement;
  private readonly insertTag: Database.Statement | undefined;
  private readonly deleteTags: Database.Statement | undefined;
  /** Parsed documents by id, least recently used first. Only committed state is ever cached. */
  private readonly cache = new Map<string, T>();
  /** Written in the open transaction: not cached until it commits or rolls back (`committed`). */
  private readonly dirty = new Set<string>();
  /** Records put while deferring (writeBehind), by id, not yet written to SQL. */
  private readonly pending = new Map<string, T>();
  /** (id, the pending record it replaced) per deferred put: a savepoint's rollback undoes its part. */
  private readonly journal: Array<[string, T | undefined]> = [];
  private deferring = false;
  private readonly written: WrittenRows<T> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly spec: TableSpec<T>,
    /** Columns the store maintains itself (not derived from the document), e.g. a derived status. */
    maintained: ReadonlyArray<{ name: string; type: 'TEXT' | 'INTEGER' }> = [],
  ) {
    this.name = spec.name;
    this.columns = spec.columns ?? [];
    this.mutable = this.columns.filter((c) => c.insert === undefined && !c.fixed);
    this.written = spec.keepWritten ? new WrittenRows(spec.keepWritten.while, spec.keepWritten.max) : undefined;
    if (this.mutable.length > 30) throw new Error(`${spec.name}: at most 30 mutable columns (put's change mask)`);
    const t = spec.name;
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, label TEXT NOT NULL DEFAULT '')`);
    const existing = new Set((db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name));
    if (!existing.has('label')) db.exec(`ALTER TABLE ${t} ADD COLUMN label TEXT NOT NULL DEFAULT ''`);
    for (const column of [...this.columns, ...maintained]) {
      if (!identifier.test(column.name)) throw new Error(`bad column name ${column.name}`);
      if (!existing.has(column.name)) db.exec(`ALTER TABLE ${t} ADD COLUMN ${column.name} ${column.type}`);
    }
    // Only a table whose spec labels its rows reads by label; for the others the index is dead weight.
    if (spec.labelOf) db.exec(`CREATE INDEX IF NOT EXISTS ${t}_label ON ${t} (label)`);
    else db.exec(`DROP INDEX IF EXISTS ${t}_label`);
    for (const index of spec.indexes ?? []) {
      // "columns" or "columns WHERE condition" (a partial index, named after its condition too).
      const [columns = index, where] = index.split(/\s+WHERE\s+/);
      db.exec(`CREATE INDEX IF NOT EXISTS ${indexName(t, index)} ON ${t} (${columns})${where ? ` WHERE ${where}` : ''}`);
    }
    const names = ['id', 'doc', 'label', ...this.columns.map((c) => c.name)];
    const marks = ['?', '?', '?', ...this.columns.map((c) => c.insert ?? '?')];
    this.insertRow = db.prepare(`INSERT INTO ${t} (${names.join(', ')}) VALUES (${marks.join(', ')})`);
    this.selectBefore = db.prepare(`SELECT ${['seq', 'label', ...this.mutable.map((c) => c.name)].join(', ')} FROM ${t} WHERE id = ?`);
    this.selectOne = db.prepare(`SELECT doc FROM ${t} WHERE id = ?`);
    this.selectAll = db.prepare(`SELECT doc FROM ${t} ORDER BY seq DESC`);
    this.deleteRow = db.prepare(`DELETE FROM ${t} WHERE id = ?`);
    if (spec.tagsOf) {
      this.insertTag = db.prepare(`INSERT INTO tags (kind, id, tag_key, tag_value, seq) VALUES ('${t}', ?, ?, ?, ?)`);
      this.deleteTags = db.prepare(`DELETE FROM tags WHERE kind = '${t}' AND id = ?`);
      this.selectTags = db.prepare(`SELECT tag_key, tag_value FROM tags WHERE kind = '${t}' AND id = ?`);
    }
  }

  /** Rewrites every row's derived columns, label and tags from its document (a migration step). */
  rederive(): number {
    const rows = this.db.prepare(`SELECT seq, id, doc FROM ${this.name}`).all() as Array<{ seq: number; id: string; doc: string }>;
    const set = this.db.prepare(`UPDATE ${this.name} SET ${['label', ...this.columns.map((c) => c.name)].map((n) => `${n} = ${n === 'label' ? '?' : this.columns.find((c) => c.name === n)?.insert ?? '?'}`).join(', ')} WHERE id = ?`);
    for (const row of rows) {
      const record = JSON.parse(row.doc) as T;
      set.run(this.label(record), ...this.columns.map((c) => this.valueOf(c, record)), row.id);
      this.writeTags(row.id, row.seq, record, true);
    }
    return rows.length;
  }

  /** A column of a record; a field that an older record lacks is NULL. */
  private valueOf(column: Column<T>, record: T): SqlValue {
    return column.value(record) ?? null;
  }

  private label(record: T): string {
    return this.spec.labelOf?.(record) ?? '';
  }

  private writeTags(id: string, seq: number | bigint, record: T, replace: boolean): void {
    const tagsOf = this.spec.tagsOf;
    if (!tagsOf || !this.insertTag) return;
    if (replace) this.deleteTags?.run(id);
    // Records written before tags existed have none.
    for (const tag of tagsOf(record) ?? []) this.insertTag.run(id, tag.key, tag.value, seq);
  }

  /**
   * The record, parsed. With a cache, a committed record is parsed once: writes evict it, and
   * a record written in the open transaction is not cached until it ends (a rollback would leave
   * it wrong; the Store calls `committed`). Callers treat the
   * record as immutable (they copy with a spread to change it).
   */
  get(id: string): T | undefined {
    const deferred = this.pending.get(id);
    if (deferred !== undefined) return deferred;
    const written = this.written?.get(id);
    if (written) return written.record;
    const size = this.spec.cacheSize ?? 0;
    if (size > 0) {
      const cached = this.cache.get(id);
      if (cached !== undefined) {
        this.cache.delete(id);
        this.cache.set(id, cached);
        return cached;
      }
    }
    const row = this.selectOne.get(id) as { doc: string } | undefined;
    if (!row) return undefined;
    const record = JSON.parse(row.doc) as T;
    if (size > 0 && !this.dirty.has(id)) {
      if (this.cache.size >= size) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(id, record);
    }
    return record;
  }

  /** Drops a cached record (its row was changed or deleted by SQL outside this table). */
  forget(id: string): void {
    this.evict(id);
  }

  /** The outermost transaction ended (committed or rolled back): what it wrote may be cached again. */
  committed(): void {
    this.dirty.clear();
    this.written?.commit();
  }

  /**
   * A transaction or one of its savepoints rolled back, or SQL outside this table changed rows
   * (the retention purge): the rows kept from writes (keepWritten) are read from SQLite again.
   */
  forgetWritten(): void {
    this.written?.clear();
  }

  private evict(id: string): void {
    if ((this.spec.cacheSize ?? 0) === 0) return;
    this.cache.delete(id);
    if (this.db.inTransaction) this.dirty.add(id);
  }

  /** Newest first. Reads the whole table: for small tables (activations) and tests. */
  all(): T[] {
    this.flushPending();
    return documentsOf<T>(this.selectAll.all());
  }

  /** The documents whose label is one of `labels`, newest first. */
  withLabel(labels: readonly string[]): T[] {
    if (labels.length === 0) return [];
    this.flushPending();
    const marks = labels.map(() => '?').join(', ');
    const rows = this.db.prepare(`SELECT doc FROM ${this.name} WHERE label IN (${marks}) ORDER BY seq DESC`).all(...labels) as Array<{ doc: string }>;
    return rows.map((row) => JSON.parse(row.doc) as T);
  }

  /** How many documents carry `label`, without reading them (a COUNT on the label index). */
  countWithLabel(label: string): number {
    this.flushPending();
    // Prepared once: the invocation quota counts by label on every InvokeCommand and RunCommand.
    this.countLabel ??= this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.name} WHERE label = ?`);
    return (this.countLabel.get(label) as { n: number }).n;
  }

  add(record: T): void {
    const id = this.spec.keyOf(record);
    if (this.pending.has(id)) this.flushPending();
    this.evict(id);
    const info = this.insertRow.run(id, JSON.stringify(record), this.label(record), ...this.columns.map((c) => this.valueOf(c, record)));
    this.kept(id, record, Number(info.lastInsertRowid));
    this.writeTags(id, info.lastInsertRowid, record, false);
    this.spec.afterWrite?.(record, undefined);
  }

  /**
   * Adds or replaces the record. Only what changed is written: the document, and of the label,
   * columns and tags those whose values differ from the stored row's, so an index whose columns
   * did not change is not touched (a run's status change rewrites its status indexes, not the
   * ones by invocation or instance; an instance's invocation count rewrites no index at all).
   */
  put(record: T): void {
    const id = this.spec.keyOf(record);
    if (this.deferring) {
      this.journal.push([id, this.pending.get(id)]);
      this.pending.set(id, record);
      return;
    }
    this.write(id, record);
  }

  // ---- write-behind (TableSpec.writeBehind), driven by the Store's group commit ----

  /** From now until `writePending`, `put` defers (a no-op for tables without writeBehind). */
  deferWrites(): void {
    if (this.spec.writeBehind) this.deferring = true;
  }

  /** A savepoint's position in the deferred puts (see `rollbackPendingTo`). */
  pendingMark(): number {
    return this.journal.length;
  }

  /** The savepoint begun at `mark` rolled back: its deferred puts are undone too. */
  rollbackPendingTo(mark: number): void {
    while (this.journal.length > mark) {
      const [id, replaced] = this.journal.pop()!;
      if (replaced === undefined) this.pending.delete(id);
      else this.pending.set(id, replaced);
    }
  }

  /** Writes the deferred puts into the open transaction; later puts write at once. */
  writePending(): void {
    this.deferring = false;
    this.flushPending();
  }

  /** Writes the deferred puts but keeps deferring (an SQL read of the table needs them). */
  flushPending(): void {
    if (this.pending.size === 0) return;
    const records = [...this.pending];
    this.pending.clear();
    this.journal.length = 0;
    for (const [id, record] of records) this.write(id, record);
  }

  /** The group rolled back: its deferred puts are dropped with it. */
  discardPending(): void {
    this.deferring = false;
    this.pending.clear();
    this.journal.length = 0;
  }

  private write(id: string, record: T): void {
    this.evict(id);
    const before = this.written?.get(id)?.stored ?? (this.selectBefore.get(id) as StoredColumns | undefined);
    if (!before) {
      this.add(record);
      return;
    }
    const label = this.label(record);
    const values: SqlValue[] = [JSON.stringify(record)];
    let mask = 0;
    if (label !== before.label) {
      mask |= 1;
      values.push(label);
    }
    this.mutable.forEach((column, i) => {
      const value = this.valueOf(column, record);
      if (value === before[column.name]) return;
      mask |= 2 ** (i + 1);
      values.push(value);
    });
    this.updateOf(mask).run(...values, before.seq);
    this.kept(id, record, before.seq as number);
    if (this.tagsChanged(id, record)) this.writeTags(id, before.seq as number, record, true);
    this.spec.afterWrite?.(record, before);
  }

  /** Remembers the row as just written (keepWritten): its record and the columns SQLite now holds. */
  private kept(id: string, record: T, seq: number): void {
    if (!this.written) return;
    const stored: Record<string, SqlValue> = { seq, label: this.label(record) };
    for (const column of this.mutable) stored[column.name] = this.valueOf(column, record);
    this.written.wrote(id, { record, stored }, this.db.inTransaction);
  }

  /** The UPDATE of the document plus the label (bit 0) and mutable columns (bit i + 1) in `mask`, prepared once. */
  private updateOf(mask: number): Database.Statement {
    let statement = this.updates.get(mask);
    if (!statement) {
      const names = ['doc', ...(mask & 1 ? ['label'] : []), ...this.mutable.filter((_, i) => mask & (2 ** (i + 1))).map((c) => c.name)];
      statement = this.db.prepare(`UPDATE ${this.name} SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE seq = ?`);
      this.updates.set(mask, statement);
    }
    return statement;
  }

  private tagsChanged(id: string, record: T): boolean {
    const tagsOf = this.spec.tagsOf;
    if (!tagsOf || !this.selectTags) return false;
    const stored = (this.selectTags.all(id) as Array<{ tag_key: string; tag_value: string }>).map((t) => `${t.tag_key}\u0000${t.tag_value}`).sort();
    const wanted = (tagsOf(record) ?? []).map((t) => `${t.key}\u0000${t.value}`).sort();
    return stored.length !== wanted.length || stored.some((tag, i) => tag !== wanted[i]);
  }

  delete(id: string): void {
    this.flushPending();
    const before = this.selectBefore.get(id) as StoredColumns | undefined;
    this.evict(id);
    if (!before) return;
    this.deleteRow.run(id);
    this.written?.wrote(id, null, this.db.inTransaction);
    this.deleteTags?.run(id);
    this.spec.afterDelete?.(id, before);
  }
}
