import type Database from 'better-sqlite3';
import { pageOfRows, type PageSpec, type StorePage } from './page.js';
import type { InstanceInvocationStatus, InstanceRecord } from './records.js';
import { SqlWhere } from './sql-where.js';
import { StatementCache } from './statement-cache.js';

export interface InstanceFilter {
  regionId: string;
  /** Compared case-insensitively (the column holds it in lower case). */
  osType?: string;
}

/** The registered instances of a region and their run counts, in SQL. */
export class InstanceQueries {
  private readonly sql: StatementCache;
  private readonly statusCounts: Database.Statement;

  constructor(db: Database.Database, sql: StatementCache = new StatementCache(db)) {
    this.sql = sql;
    this.statusCounts = db.prepare('SELECT status, COUNT(*) AS n FROM instance_runs WHERE instance_id = ? GROUP BY status');
  }

  /** Registered (not deregistered) instances, newest first, on (region_id, deregistered, seq). */
  list(filter: InstanceFilter, spec: PageSpec): StorePage<InstanceRecord> {
    const where = new SqlWhere().add('region_id = ?', filter.regionId).add('deregistered = 0');
    if (filter.osType !== undefined) where.add('os_type = ?', filter.osType.toLowerCase());
    const total = spec.countTotal ? (this.sql.get(`SELECT COUNT(*) AS n FROM instances WHERE ${where.toString()}`).get(...where.params) as { n: number }).n : undefined;
    if (spec.after !== undefined) where.add('seq < ?', spec.after[0] ?? 0);
    const paging = spec.after !== undefined ? 'LIMIT ?' : 'LIMIT ? OFFSET ?';
    const limits = spec.after !== undefined ? [spec.limit + 1] : [spec.limit + 1, spec.offset];
    const rows = this.sql.get(`SELECT seq, doc FROM instances WHERE ${where.toString()} ORDER BY seq DESC ${paging}`).all(...where.params, ...limits) as Array<{ seq: number; doc: string }>;
    return pageOfRows(rows, spec, (row) => [row.seq], (row) => JSON.parse(row.doc) as InstanceRecord, total);
  }

  /** Every registered instance, newest first (the registry's list). */
  registered(): InstanceRecord[] {
    return (this.sql.get('SELECT doc FROM instances WHERE deregistered = 0 ORDER BY seq DESC').all() as Array<{ doc: string }>).map((r) => JSON.parse(r.doc) as InstanceRecord);
  }

  /**
   * How many of an instance's runs are in each status: a GROUP BY on the (instance_id, status)
   * index, so it reads the instance's index entries, not its records.
   */
  runStatusCounts(instanceId: string): Map<InstanceInvocationStatus, number> {
    const rows = this.statusCounts.all(instanceId) as Array<{ status: InstanceInvocationStatus; n: number }>;
    return new Map(rows.map((r) => [r.status, r.n]));
  }
}
