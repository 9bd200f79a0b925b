import type Database from 'better-sqlite3';
import type { Tag } from '../domain/tag.js';
import { fitsLike, likePattern } from './like-pattern.js';
import { pageOfRows, type PageSpec, type StorePage } from './page.js';
import type { CommandRecord } from './records.js';
import { SqlWhere } from './sql-where.js';
import { StatementCache } from './statement-cache.js';

/** DescribeCommands' filters over the kept commands of a region; Name and Description may hold `*`. */
export interface CommandFilter {
  regionId: string;
  commandId?: string;
  name?: string;
  description?: string;
  type?: string;
  resourceGroupId?: string;
  tags: readonly Tag[];
}

function textMatch(where: SqlWhere, column: string, pattern: string | undefined): void {
  if (pattern === undefined) return;
  if (pattern.includes('*')) {
    const like = likePattern(pattern);
    // Longer than SQLite takes, and longer than any stored value could match (like-pattern.ts).
    if (fitsLike(like)) where.add(`${column} LIKE ? ESCAPE '\\'`, like);
    else where.add('1 = 0');
  }
  else where.add(`${column} = ?`, pattern);
}

/** DescribeCommands in SQL on (region_id, kept, seq), newest first, keyset-paged. */
export class CommandQueries {
  private readonly sql: StatementCache;

  constructor(db: Database.Database, sql: StatementCache = new StatementCache(db)) {
    // A connection setting: PostgreSQL's LIKE is case-sensitive, and so is the `*` wildcard.
    db.pragma('case_sensitive_like = ON');
    this.sql = sql;
  }

  describeCommands(filter: CommandFilter, spec: PageSpec): StorePage<CommandRecord> {
    const where = new SqlWhere().add('region_id = ?', filter.regionId).add('kept = 1');
    if (filter.commandId !== undefined) where.add('id = ?', filter.commandId);
    textMatch(where, 'name', filter.name);
    textMatch(where, 'description', filter.description);
    if (filter.type !== undefined) where.add('command_type = ?', filter.type);
    if (filter.resourceGroupId !== undefined) where.add('resource_group_id = ?', filter.resourceGroupId);
    where.tags('commands', 'id', filter.tags);
    const total = spec.countTotal ? (this.sql.get(`SELECT COUNT(*) AS n FROM commands WHERE ${where.toString()}`).get(...where.params) as { n: number }).n : undefined;
    if (spec.after !== undefined) where.add('seq < ?', spec.after[0] ?? 0);
    const paging = spec.after !== undefined ? 'LIMIT ?' : 'LIMIT ? OFFSET ?';
    const limits = spec.after !== undefined ? [spec.limit + 1] : [spec.limit + 1, spec.offset];
    const rows = this.sql.get(`SELECT seq, doc FROM commands WHERE ${where.toString()} ORDER BY seq DESC ${paging}`).all(...where.params, ...limits) as Array<{ seq: number; doc: string }>;
    return pageOfRows(rows, spec, (row) => [row.seq], (row) => JSON.parse(row.doc) as CommandRecord, total);
  }
}
