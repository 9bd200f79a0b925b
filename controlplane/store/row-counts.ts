import type Database from 'better-sqlite3';
import type { Tag } from '../domain/tag.js';
import { countedTotal, type CountSpec, type CounterKey } from './counted-filters.js';
import type { StatementCache } from './statement-cache.js';

const KEY = 'tbl, facet, region_id, kind, tag_key, tag_value';
const ADD = `ON CONFLICT (${KEY}) DO UPDATE SET n = n + excluded.n`;
const INSERT = `INSERT INTO row_counts (${KEY}, n)`;

/**
 * One row per counter; a counter that falls to 0 keeps its row until the retention purge's pass
 * drops the zeros (on the partial index of them): a trigger doing it at once would make every
 * statement that writes a counter a journaled one (see CountSpec.keptByStore).
 */
export const ROW_COUNTS_DDL = [
  `CREATE TABLE IF NOT EXISTS row_counts (tbl TEXT NOT NULL, facet TEXT NOT NULL, region_id TEXT NOT NULL, kind TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (${KEY}))`,
  'CREATE INDEX IF NOT EXISTS row_counts_zero ON row_counts (n) WHERE n = 0',
];

/**
 * Keeps `row_counts` exact, in the same transaction as the writes. For a table counted by
 * triggers (SQLite's, on the table and on `tags`), every write path counts (DocumentTable's
 * adds, puts and deletes, the retention purge's DELETEs, the presence column's UPDATEs) and a
 * rollback takes the counts back with the rows. Each trigger applies the change of one row,
 * whatever the order of the parent's and its tags' writes (a tag row counts while its parent row,
 * joined by id, exists and counts). The run rows are counted by the store's write path instead
 * (`runsAdded`, from store.ts and retention-purge.ts; see CountSpec.keptByStore).
 *
 * The triggers are dropped and created again whenever the store opens, so they are always the
 * ones below. (SQLite syntax; PostgreSQL has the same with a trigger function.) A write that
 * deletes rows through a REPLACE conflict would bypass the delete triggers: the store has none.
 */
export class RowCounts {
  private readonly triggers: Array<[name: string, sql: string]>;
  private readonly addRuns: Database.Statement;
  private readonly zeros: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly specs: readonly CountSpec[],
  ) {
    for (const ddl of ROW_COUNTS_DDL) db.exec(ddl);
    this.triggers = specs.filter((spec) => !spec.keptByStore).flatMap((spec) => triggersOf(spec));
    // The run's region is its invocation's (copied into the run row when it is added).
    this.addRuns = db.prepare(`${INSERT} SELECT 'instance_runs', 'rows', region_id, '', '', '', ? FROM invocations WHERE id = ? AND region_id IS NOT NULL ${ADD}`);
    this.zeros = db.prepare('DELETE FROM row_counts WHERE n = 0');
  }

  /** (Re)creates every trigger (at open, and after a migration). */
  install(): void {
    this.db.transaction(() => {
      this.uninstall();
      for (const [name, body] of this.triggers) this.db.exec(`CREATE TRIGGER ${name} ${body}`);
    })();
  }

  /** Drops every count trigger, also one an older version made that is no longer among them. */
  uninstall(): void {
    const names = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'row_counts_%'").all() as Array<{ name: string }>;
    for (const { name } of names) this.db.exec(`DROP TRIGGER IF EXISTS ${name}`);
  }

  /** `n` run rows of the invocation were added (negative: deleted), while the invocation row exists. */
  runsAdded(invokeId: string, n: number): void {
    if (n !== 0) this.addRuns.run(n, invokeId);
  }

  /** Deletes the counters that are 0 (on their partial index); how many. */
  dropZeros(): number {
    return this.zeros.run().changes;
  }

  /** Recounts every counter from the rows (a migration step: a data dir from before the counts). */
  refill(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM row_counts');
      for (const spec of this.specs) {
        const p = 'p';
        const kind = kindOf(spec, p);
        const scope = spec.byKind ? `${p}.region_id, ${p}.kind` : `${p}.region_id`;
        const rows = `FROM ${spec.table} ${p} WHERE ${counted(spec, p)}`;
        this.db.exec(`${INSERT} SELECT '${spec.table}', 'rows', ${p}.region_id, ${kind}, '', '', COUNT(*) ${rows} GROUP BY ${scope}`);
        if (spec.flag) this.db.exec(`${INSERT} SELECT '${spec.table}', '${spec.flag.column}', ${p}.region_id, ${kind}, '', '', COUNT(*) ${rows} AND ${p}.${spec.flag.column} IS 1 GROUP BY ${scope}`);
        if (spec.noTags) continue;
        const tagged = `FROM tags t JOIN ${spec.table} ${p} ON ${p}.id = t.id WHERE t.kind = '${spec.table}' AND ${counted(spec, p)}`;
        this.db.exec(`${INSERT} SELECT '${spec.table}', 'tag', ${p}.region_id, ${kind}, t.tag_key, t.tag_value, COUNT(*) ${tagged} GROUP BY ${scope}, t.tag_key, t.tag_value`);
        this.db.exec(`${INSERT} SELECT '${spec.table}', 'tag_key', ${p}.region_id, ${kind}, t.tag_key, '', COUNT(*) ${tagged} GROUP BY ${scope}, t.tag_key`);
      }
    })();
  }
}

/** What a listing counts when no counter covers its filter: its COUNT(*), and the same with the flag true. */
export interface RowCountsOf {
  rows: () => number;
  flagTrue?: () => number;
}

/**
 * A listing's TotalCount: from the counters that cover `filter` (counted-filters.ts), or else
 * its COUNT(*).
 */
export function totalCount(sql: StatementCache, spec: CountSpec, filter: { regionId: string; kind?: string; tags: readonly Tag[] }, count: RowCountsOf): number {
  const plan = countedTotal(spec, filter);
  if (plan === undefined || (plan.lessFlagTrue && count.flagTrue === undefined)) return count.rows();
  let total = countOf(sql, plan.counter);
  if (plan.lessCounter) total -= countOf(sql, plan.lessCounter);
  if (plan.lessFlagTrue) total -= count.flagTrue?.() ?? 0;
  return total;
}

/** The counter's value (0 when there is no counter row), on the primary key. */
export function countOf(sql: StatementCache, key: CounterKey): number {
  const row = sql.get('SELECT n FROM row_counts WHERE tbl = ? AND facet = ? AND region_id = ? AND kind = ? AND tag_key = ? AND tag_value = ?')
    .get(key.table, key.facet, key.regionId, key.kind, key.tagKey, key.tagValue) as { n: number } | undefined;
  return row?.n ?? 0;
}

function kindOf(spec: CountSpec, p: string): string {
  return spec.byKind ? `${p}.kind` : "''";
}

/** Whether row `p` counts: the exact condition of the listings' COUNT(*), never NULL. */
function counted(spec: CountSpec, p: string): string {
  const parts = [`${p}.region_id IS NOT NULL`];
  if (spec.byKind) parts.push(`${p}.kind IS NOT NULL`);
  if (spec.only) parts.push(spec.only.condition(p));
  return `(${parts.join(' AND ')})`;
}

/** The statements that add `sign` × (parent row `p`, its flag and its tag rows) to the counters. */
function adjustParent(spec: CountSpec, p: 'NEW' | 'OLD', sign: 1 | -1): string {
  const t = spec.table;
  const kind = kindOf(spec, p);
  const tags = `FROM tags WHERE kind = '${t}' AND id = ${p}.id`;
  return [
    `${INSERT} VALUES ('${t}', 'rows', ${p}.region_id, ${kind}, '', '', ${sign}) ${ADD};`,
    ...(spec.flag ? [`${INSERT} SELECT '${t}', '${spec.flag.column}', ${p}.region_id, ${kind}, '', '', ${sign} WHERE ${p}.${spec.flag.column} IS 1 ${ADD};`] : []),
    ...(spec.noTags ? [] : [
      `${INSERT} SELECT '${t}', 'tag', ${p}.region_id, ${kind}, tag_key, tag_value, ${sign} * COUNT(*) ${tags} GROUP BY tag_key, tag_value ${ADD};`,
      `${INSERT} SELECT '${t}', 'tag_key', ${p}.region_id, ${kind}, tag_key, '', ${sign} * COUNT(*) ${tags} GROUP BY tag_key ${ADD};`,
    ]),
  ].join(' ');
}

/** The statements that add `sign` × tag row `g` to its parent's counters (when the parent exists and counts). */
function adjustTag(spec: CountSpec, g: 'NEW' | 'OLD', sign: 1 | -1): string {
  const t = spec.table;
  const parent = `FROM ${t} p WHERE ${g}.kind = '${t}' AND p.id = ${g}.id AND ${counted(spec, 'p')}`;
  return [
    `${INSERT} SELECT '${t}', 'tag', p.region_id, ${kindOf(spec, 'p')}, ${g}.tag_key, ${g}.tag_value, ${sign} ${parent} ${ADD};`,
    `${INSERT} SELECT '${t}', 'tag_key', p.region_id, ${kindOf(spec, 'p')}, ${g}.tag_key, '', ${sign} ${parent} ${ADD};`,
  ].join(' ');
}

function triggersOf(spec: CountSpec): Array<[string, string]> {
  const t = spec.table;
  // The columns a row's counters depend on: an UPDATE that assigns none of them fires nothing.
  const scopeColumns = ['id', 'region_id', ...(spec.byKind ? ['kind'] : []), ...(spec.only?.columns ?? [])];
  const same = `OLD.id = NEW.id AND OLD.region_id = NEW.region_id${spec.byKind ? ' AND OLD.kind = NEW.kind' : ''}`;
  const stays = `(${counted(spec, 'OLD')} AND ${counted(spec, 'NEW')} AND ${same})`;
  const triggers: Array<[string, string]> = [
    [`row_counts_${t}_insert`, `AFTER INSERT ON ${t} WHEN ${counted(spec, 'NEW')} BEGIN ${adjustParent(spec, 'NEW', 1)} END`],
    [`row_counts_${t}_delete`, `AFTER DELETE ON ${t} WHEN ${counted(spec, 'OLD')} BEGIN ${adjustParent(spec, 'OLD', -1)} END`],
    [`row_counts_${t}_leave`, `AFTER UPDATE OF ${scopeColumns.join(', ')} ON ${t} WHEN ${counted(spec, 'OLD')} AND NOT ${stays} BEGIN ${adjustParent(spec, 'OLD', -1)} END`],
    [`row_counts_${t}_enter`, `AFTER UPDATE OF ${scopeColumns.join(', ')} ON ${t} WHEN ${counted(spec, 'NEW')} AND NOT ${stays} BEGIN ${adjustParent(spec, 'NEW', 1)} END`],
  ];
  if (spec.flag) {
    // The flag alone changes (the scope stays): its counter moves by one (leave and enter cover the rest).
    const f = spec.flag.column;
    triggers.push([`row_counts_${t}_flag`, `AFTER UPDATE OF ${f} ON ${t} WHEN ${stays} AND (OLD.${f} IS 1) <> (NEW.${f} IS 1) BEGIN ${INSERT} VALUES ('${t}', '${f}', NEW.region_id, ${kindOf(spec, 'NEW')}, '', '', (NEW.${f} IS 1) - (OLD.${f} IS 1)) ${ADD}; END`]);
  }
  if (!spec.noTags) {
    triggers.push(
      [`row_counts_${t}_tag_insert`, `AFTER INSERT ON tags WHEN NEW.kind = '${t}' BEGIN ${adjustTag(spec, 'NEW', 1)} END`],
      [`row_counts_${t}_tag_delete`, `AFTER DELETE ON tags WHEN OLD.kind = '${t}' BEGIN ${adjustTag(spec, 'OLD', -1)} END`],
      [`row_counts_${t}_tag_update`, `AFTER UPDATE OF kind, id, tag_key, tag_value ON tags WHEN OLD.kind = '${t}' OR NEW.kind = '${t}' BEGIN ${adjustTag(spec, 'OLD', -1)} ${adjustTag(spec, 'NEW', 1)} END`],
    );
  }
  return triggers;
}
