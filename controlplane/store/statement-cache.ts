import type Database from 'better-sqlite3';

/**
 * Prepared statements by SQL text: a query built from a filter combination is compiled once.
 * The combinations are few (the SQL never holds input values), but the cache is bounded anyway.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  /** `onUse` sees each SQL text handed out (tests read the query plans of what a call ran). */
  constructor(
    private readonly db: Database.Database,
    private readonly onUse?: (sql: string) => void,
    private readonly capacity = 256,
  ) {}

  get(sql: string): Database.Statement {
    this.onUse?.(sql);
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= this.capacity) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
