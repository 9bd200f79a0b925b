import type Database from 'better-sqlite3';
import type { Tag } from '../domain/tag.js';

/** A value a column can hold (portable across SQLite and PostgreSQL). */
export type SqlValue = string | number | null;

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
}

export interface TableSpec<T> {
  name: string;
  keyOf: (record: T) => string;
  /** Kept in the indexed `label` column (the quotas count by it; older callers read by it). */
  labelOf?: (record: T) => string;
  columns?: readonly Column<T>[];
  /** Each entry is the column list of one index, e.g. `region_id, seq`. */
  indexes?: readonly string[];
  /** The record's tags, kept in the `tags` table (kind = table name) for the Tag.N filters. */
  tagsOf?: (record: T) => readonly Tag[];
  /** Called inside the write, with the label the row had before (undefined: a new row). */
  afterWrite?: (record: T, previousLabel: string | undefined) => void;
  afterDelete?: (id: string, previousLabel: string) => void;
  /** Keep up to this many parsed documents in memory (read often, written rarely: invocations). */
  cacheSize?: number;
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
  'CREATE INDEX IF NOT EXISTS tags_by_id ON tags (kind, id)',
];

const identifier = /^[a-z_][a-z0-9_]*$/;

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
  private readonly updateRow: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectLabel: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly deleteRow: Database.Statement;
  private readonly insertTag: Database.Statement | undefined;
  private readonly deleteTags: Database.Statement | undefined;
  /** Parsed documents by id, least recently used first. Only committed state is ever cached. */
  private readonly cache = new Map<string, T>();
  /** Written in the open transaction: not cached until it commits or rolls back (`committed`). */
  private readonly dirty = new Set<string>();

  constructor(
    private readonly db: Database.Database,
    private readonly spec: TableSpec<T>,
    /** Columns the store maintains itself (not derived from the document), e.g. a derived status. */
    maintained: ReadonlyArray<{ name: string; type: 'TEXT' | 'INTEGER' }> = [],
  ) {
    this.name = spec.name;
    this.columns = spec.columns ?? [];
    this.mutable = this.columns.filter((c) => c.insert === undefined);
    const t = spec.name;
    db.exec(`CREATE TABLE IF NOT EXISTS ${t} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, label TEXT NOT NULL DEFAULT '')`);
    const existing = new Set((db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name));
    if (!existing.has('label')) db.exec(`ALTER TABLE ${t} ADD COLUMN label TEXT NOT NULL DEFAULT ''`);
    for (const column of [...this.columns, ...maintained]) {
      if (!identifier.test(column.name)) throw new Error(`bad column name ${column.name}`);
      if (!existing.has(column.name)) db.exec(`ALTER TABLE ${t} ADD COLUMN ${column.name} ${column.type}`);
    }
    db.exec(`CREATE INDEX IF NOT EXISTS ${t}_label ON ${t} (label)`);
    for (const columns of spec.indexes ?? []) {
      db.exec(`CREATE INDEX IF NOT EXISTS ${t}_by_${columns.replace(/\s+DESC/gi, '').replace(/[^a-z0-9_]+/g, '_')} ON ${t} (${columns})`);
    }
    const names = ['id', 'doc', 'label', ...this.columns.map((c) => c.name)];
    const marks = ['?', '?', '?', ...this.columns.map((c) => c.insert ?? '?')];
    this.insertRow = db.prepare(`INSERT INTO ${t} (${names.join(', ')}) VALUES (${marks.join(', ')})`);
    this.updateRow = db.prepare(`UPDATE ${t} SET ${['doc', 'label', ...this.mutable.map((c) => c.name)].map((n) => `${n} = ?`).join(', ')} WHERE id = ?`);
    this.selectOne = db.prepare(`SELECT doc FROM ${t} WHERE id = ?`);
    this.selectLabel = db.prepare(`SELECT seq, label FROM ${t} WHERE id = ?`);
    this.selectAll = db.prepare(`SELECT doc FROM ${t} ORDER BY seq DESC`);
    this.deleteRow = db.prepare(`DELETE FROM ${t} WHERE id = ?`);
    if (spec.tagsOf) {
      this.insertTag = db.prepare(`INSERT INTO tags (kind, id, tag_key, tag_value, seq) VALUES ('${t}', ?, ?, ?, ?)`);
      this.deleteTags = db.prepare(`DELETE FROM tags WHERE kind = '${t}' AND id = ?`);
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
  }

  private evict(id: string): void {
    if ((this.spec.cacheSize ?? 0) === 0) return;
    this.cache.delete(id);
    if (this.db.inTransaction) this.dirty.add(id);
  }

  /** Newest first. Reads the whole table: for small tables (activations) and tests. */
  all(): T[] {
    return (this.selectAll.all() as Array<{ doc: string }>).map((row) => JSON.parse(row.doc) as T);
  }

  /** The documents whose label is one of `labels`, newest first. */
  withLabel(labels: readonly string[]): T[] {
    if (labels.length === 0) return [];
    const marks = labels.map(() => '?').join(', ');
    const rows = this.db.prepare(`SELECT doc FROM ${this.name} WHERE label IN (${marks}) ORDER BY seq DESC`).all(...labels) as Array<{ doc: string }>;
    return rows.map((row) => JSON.parse(row.doc) as T);
  }

  /** How many documents carry `label`, without reading them (a COUNT on the label index). */
  countWithLabel(label: string): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.name} WHERE label = ?`).get(label) as { n: number }).n;
  }

  add(record: T): void {
    const id = this.spec.keyOf(record);
    this.evict(id);
    const info = this.insertRow.run(id, JSON.stringify(record), this.label(record), ...this.columns.map((c) => this.valueOf(c, record)));
    this.writeTags(id, info.lastInsertRowid, record, false);
    this.spec.afterWrite?.(record, undefined);
  }

  put(record: T): void {
    const id = this.spec.keyOf(record);
    this.evict(id);
    const before = this.spec.afterWrite || this.spec.tagsOf ? (this.selectLabel.get(id) as { seq: number; label: string } | undefined) : undefined;
    const info = this.updateRow.run(JSON.stringify(record), this.label(record), ...this.mutable.map((c) => this.valueOf(c, record)), id);
    if (info.changes === 0) {
      this.add(record);
      return;
    }
    if (before) this.writeTags(id, before.seq, record, true);
    this.spec.afterWrite?.(record, before?.label);
  }

  delete(id: string): void {
    const before = this.selectLabel.get(id) as { seq: number; label: string } | undefined;
    this.evict(id);
    if (!before) return;
    this.deleteRow.run(id);
    this.deleteTags?.run(id);
    this.spec.afterDelete?.(id, before.label);
  }
}
