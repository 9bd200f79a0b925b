import type { StoredColumns } from './document-table.js';

/** A row as this store last wrote it: the parsed record and the column values SQLite holds for it. */
export interface WrittenRow<T> {
  record: T;
  /** `seq`, `label` and the mutable columns, as `put` compares them (a before-image). */
  stored: StoredColumns;
}

/**
 * Rows this store wrote, kept parsed while `keep` holds (a run while it is live), so that the
 * next write of the row needs no before-image SELECT and the next read no SELECT and JSON.parse
 * (an agent's task-started, then its task-finished, each read and write the run).
 *
 * Only what is known to be in SQLite is served: a write in the open transaction is staged and
 * served to that transaction (its own reads see its writes, as SQLite's do); it joins the
 * committed rows when the transaction commits. Any rollback, of a savepoint or of all of it,
 * drops everything (staged and committed): the rows are read from SQLite again, which is always
 * right. SQL that writes the table around the DocumentTable (the retention purge) calls `clear`.
 */
export class WrittenRows<T> {
  private readonly committed = new Map<string, WrittenRow<T>>();
  /** Written in the open transaction; `null`: deleted in it. */
  private readonly staged = new Map<string, WrittenRow<T> | null>();

  constructor(
    private readonly keep: (record: T) => boolean,
    private readonly max: number,
  ) {}

  /** The row as last written (staged first), or undefined when it must be read from SQLite. */
  get(id: string): WrittenRow<T> | undefined {
    const staged = this.staged.get(id);
    if (staged !== undefined) return staged ?? undefined;
    return this.committed.get(id);
  }

  /** Written (or, with null, deleted) in the open transaction; `inTransaction` false: committed already. */
  wrote(id: string, row: WrittenRow<T> | null, inTransaction: boolean): void {
    if (inTransaction) this.staged.set(id, row);
    else this.settle(id, row);
  }

  /** The outermost transaction committed: what it wrote is in SQLite. */
  commit(): void {
    for (const [id, row] of this.staged) this.settle(id, row);
    this.staged.clear();
  }

  /** A rollback, or SQL that changed rows behind the table: nothing kept can be trusted. */
  clear(): void {
    this.staged.clear();
    this.committed.clear();
  }

  get size(): number {
    return this.committed.size;
  }

  private settle(id: string, row: WrittenRow<T> | null): void {
    this.committed.delete(id);
    if (row === null || !this.keep(row.record)) return;
    // Re-inserted last: the oldest writes go first when the bound is reached.
    this.committed.set(id, row);
    if (this.committed.size > this.max) this.committed.delete(this.committed.keys().next().value as string);
  }
}
