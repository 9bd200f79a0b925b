import type Database from 'better-sqlite3';
import type { Tag } from '../domain/tag.js';
import { pageOfRows, type PageSpec, type StorePage } from './page.js';
import type { ActivationRecord } from './records.js';
import { SqlWhere } from './sql-where.js';
import { StatementCache } from './statement-cache.js';
import { totalCount } from './row-counts.js';
import { ACTIVATION_COUNTS } from './table-specs.js';

/** DescribeActivations' filters (all exact). */
export interface ActivationFilter {
  regionId: string;
  activationId?: string;
  instanceName?: string;
  resourceGroupId?: string;
  tags: readonly Tag[];
}

/**
 * The activation queries in SQL, newest first on the indexes of table-specs.ts, keyset-paged;
 * TotalCount from a counter (row-counts.ts) for the region or one tag.
 */
export class ActivationQueries {
  private readonly sql: StatementCache;
  private readonly live: Database.Statement;
  private readonly inGroup: Database.Statement;

  constructor(db: Database.Database, sql: StatementCache = new StatementCache(db)) {
    this.sql = sql;
    this.live = db.prepare('SELECT COUNT(*) AS n FROM activations WHERE region_id = ? AND expires_at > ?');
    this.inGroup = db.prepare('SELECT 1 AS x FROM activations WHERE resource_group_id = ? LIMIT 1');
  }

  /** DescribeActivations: the first Tag.N drives when given, else (region_id[, filter], seq). */
  describeActivations(filter: ActivationFilter, spec: PageSpec): StorePage<ActivationRecord> {
    const where = new SqlWhere().add('a.region_id = ?', filter.regionId);
    if (filter.activationId !== undefined) where.add('a.id = ?', filter.activationId);
    if (filter.instanceName !== undefined) where.add('a.instance_name = ?', filter.instanceName);
    if (filter.resourceGroupId !== undefined) where.add('a.resource_group_id = ?', filter.resourceGroupId);
    let from = 'activations a';
    let key = 'a.seq';
    const [firstTag, ...otherTags] = filter.tags;
    if (firstTag !== undefined && filter.activationId === undefined) {
      from = 'tags t JOIN activations a ON a.seq = t.seq';
      key = 't.seq';
      where.tagDriver('activations', 't', firstTag);
      where.tags('activations', 'a.id', otherTags);
    } else {
      where.tags('activations', 'a.id', filter.tags);
    }
    const total = spec.countTotal
      ? totalCount(this.sql, ACTIVATION_COUNTS, filter, { rows: () => (this.sql.get(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where.toString()}`).get(...where.params) as { n: number }).n })
      : undefined;
    if (spec.after !== undefined) where.add(`${key} < ?`, spec.after[0] ?? 0);
    const paging = spec.after !== undefined ? 'LIMIT ?' : 'LIMIT ? OFFSET ?';
    const limits = spec.after !== undefined ? [spec.limit + 1] : [spec.limit + 1, spec.offset];
    const rows = this.sql.get(`SELECT ${key} AS seq, a.doc AS doc FROM ${from} WHERE ${where.toString()} ORDER BY ${key} DESC ${paging}`).all(...where.params, ...limits) as Array<{ seq: number; doc: string }>;
    return pageOfRows(rows, spec, (row) => [row.seq], (row) => JSON.parse(row.doc) as ActivationRecord, total);
  }

  /** How many of a region's activations have not expired at `nowMs` (CreateActivation's quota). */
  liveCount(regionId: string, nowMs: number): number {
    return (this.live.get(regionId, nowMs) as { n: number }).n;
  }

  /** Whether an activation carries `group` (a group comes into being with its first resource). */
  groupInUse(group: string): boolean {
    return group !== '' && this.inGroup.get(group) !== undefined;
  }
}
