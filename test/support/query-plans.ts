import type Database from 'better-sqlite3';
import type { PageSpec, StorePage } from '../../controlplane/store/page.js';

/** The EXPLAIN QUERY PLAN details of each statement (its parameters bound to NULL), in order. */
export function plansOfStatements(db: Database.Database, statements: readonly string[]): string[] {
  return statements.flatMap((sql) => {
    const marks = sql.split('?').length - 1;
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array<null>(marks).fill(null)) as Array<{ detail: string }>;
    return rows.map((r) => r.detail);
  });
}

/** Every item of a keyset-paged query, `limit` a page, following `next` (fails if it never ends). */
export function walkPages<T>(fetch: (spec: PageSpec) => StorePage<T>, limit: number): T[] {
  const all: T[] = [];
  let after: readonly number[] | undefined;
  for (let pages = 0; pages < 1000; pages += 1) {
    const page = fetch({ offset: all.length, limit, countTotal: false, ...(after ? { after } : {}) });
    all.push(...page.items);
    if (!page.next) return all;
    after = page.next;
  }
  throw new Error('paging does not end');
}
