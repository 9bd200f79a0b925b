import type Database from 'better-sqlite3';
import type { Tag } from '../domain/tag.js';
import { aggregateStatusesFor, liveRunStatuses, runStatusesForInvokeStatus, runStatusesForRecordStatus } from '../invocations/status-filters.js';
import { REPEAT_MODES, type InstanceRunRecord, type InvocationRecord } from './records.js';
import { pageOfRows, type PageSpec, type StorePage } from './page.js';
import { SqlWhere } from './sql-where.js';
import { StatementCache } from './statement-cache.js';
import type { SqlValue } from './document-table.js';
import { isRepeating } from '../invocations/repeat-mode.js';
import { documentsOf } from './documents.js';
import { totalCount } from './row-counts.js';
import { INVOCATION_COUNTS, RUN_COUNTS, RUNS_OF_INVOCATION, RUNS_OF_JOINED_INVOCATION, runsOfInvocation } from './table-specs.js';

/** DescribeInvocations' filters; the handler leaves out those the API ignores with InstanceId. */
export interface InvocationFilter {
  regionId: string;
  invokeId?: string;
  commandId?: string;
  commandName?: string;
  commandType?: string;
  instanceId?: string;
  repeatMode?: string;
  resourceGroupId?: string;
  tags: readonly Tag[];
  timed?: boolean;
  /** InvocationStatus or its legacy name; with `instanceId`, of that instance's run. */
  invokeStatus?: string;
}

export interface InvocationRow {
  invocation: InvocationRecord;
  /** All runs, or only `instanceId`'s, in instance order. */
  runs: InstanceRunRecord[];
}

/** DescribeInvocationResults' filters. */
export interface ResultFilter {
  regionId: string;
  invokeId?: string;
  instanceId?: string;
  commandId?: string;
  resourceGroupId?: string;
  tags: readonly Tag[];
  recordStatus?: string;
  includeHistory: boolean;
}

export interface ResultRow {
  invocation: InvocationRecord;
  run: InstanceRunRecord;
}

const REPEATING_MODES = REPEAT_MODES.filter(isRepeating);

interface SeqDoc {
  k1: number;
  doc: string;
  run_doc?: string;
}

interface ResultKeyRow {
  k1: number;
  k2: number;
  k3: number;
  doc: string;
  invoke_id: string;
}

function limits(spec: PageSpec): { sql: string; params: SqlValue[] } {
  return spec.after !== undefined ? { sql: 'LIMIT ?', params: [spec.limit + 1] } : { sql: 'LIMIT ? OFFSET ?', params: [spec.limit + 1, spec.offset] };
}

/**
 * The invocation Describe* queries, each one SQL statement on an index (table-specs.ts) ordered
 * newest first, with keyset paging: a page reads the rows it returns plus one. Exceptions: the
 * OFFSET of PageNumber paging; TotalCount (a counter for the region or one tag, row-counts.ts;
 * otherwise a COUNT(*) with the same filter, on the same index);
 * IncludeHistory, which sorts the matching rows (few: it is used with InvokeId / InstanceId). A
 * Tag.N filter walks the first tag's index entries (tags.seq) newest first; further tags and the
 * region are checked per row, so a second, rarer tag reads more rows than it returns.
 */
export class InvocationQueries {
  private readonly runsOf: Database.Statement;
  private readonly invocationById: Database.Statement;
  private readonly sql: StatementCache;

  constructor(db: Database.Database, sql: StatementCache = new StatementCache(db)) {
    this.sql = sql;
    this.runsOf = db.prepare(`SELECT doc FROM instance_runs WHERE ${RUNS_OF_INVOCATION} ORDER BY seq`);
    this.invocationById = db.prepare('SELECT doc FROM invocations WHERE id = ?');
  }

  describeInvocations(filter: InvocationFilter, spec: PageSpec): StorePage<InvocationRow> {
    // With InstanceId the run rows drive (their region copy leads the index), else the invocations.
    const where = new SqlWhere().add(filter.instanceId === undefined ? 'i.region_id = ?' : 'r.region_id = ?', filter.regionId);
    if (filter.invokeId !== undefined) where.add('i.id = ?', filter.invokeId);
    if (filter.commandId !== undefined) where.add('i.command_id = ?', filter.commandId);
    if (filter.commandName !== undefined) where.add('i.command_name = ?', filter.commandName);
    if (filter.commandType !== undefined) where.add('i.command_type = ?', filter.commandType);
    if (filter.repeatMode !== undefined) where.add('i.repeat_mode = ?', filter.repeatMode);
    if (filter.resourceGroupId !== undefined) where.add('i.resource_group_id = ?', filter.resourceGroupId);
    let from = 'invocations i';
    let key = 'i.seq';
    let select = 'i.seq AS k1, i.doc AS doc';
    const [firstTag, ...otherTags] = filter.tags;
    if (firstTag !== undefined && filter.instanceId === undefined) {
      // The first tag drives: its index entries newest first, the invocation by primary key.
      from = 'tags t JOIN invocations i ON i.seq = t.seq';
      key = 't.seq';
      select = 't.seq AS k1, i.doc AS doc';
      where.tagDriver('invocations', 't', firstTag);
      where.tags('invocations', 'i.id', otherTags);
    } else {
      where.tags('invocations', 'i.id', filter.tags);
    }
    if (filter.instanceId === undefined) {
      if (filter.invokeStatus !== undefined) where.in('i.invoke_status', aggregateStatusesFor(filter.invokeStatus));
      if (filter.timed !== undefined) where.add('i.timed = ?', filter.timed ? 1 : 0);
    } else {
      // Driven by the run rows of the instance (region_id, instance_id, invoke_seq), newest invocation first.
      from = 'instance_runs r JOIN invocations i ON i.id = r.invoke_id';
      key = 'r.invoke_seq';
      select = 'r.invoke_seq AS k1, i.doc AS doc, r.doc AS run_doc';
      where.add('r.instance_id = ?', filter.instanceId);
      if (filter.invokeStatus !== undefined) where.in('r.status', runStatusesForInvokeStatus(filter.invokeStatus));
      if (filter.timed !== undefined) {
        const live = new SqlWhere().in('i.repeat_mode', REPEATING_MODES).in('r.status', liveRunStatuses());
        where.add(filter.timed ? `(${live.toString()})` : `NOT (${live.toString()})`, ...live.params);
      }
    }
    const total = spec.countTotal
      ? totalCount(this.sql, INVOCATION_COUNTS, filter, { rows: () => (this.sql.get(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where.toString()}`).get(...where.params) as { n: number }).n })
      : undefined;
    if (spec.after !== undefined) where.add(`${key} < ?`, spec.after[0] ?? 0);
    const limit = limits(spec);
    const rows = this.sql.get(`SELECT ${select} FROM ${from} WHERE ${where.toString()} ORDER BY ${key} DESC ${limit.sql}`).all(...where.params, ...limit.params) as SeqDoc[];
    return pageOfRows(rows, spec, (row) => [row.k1], (row) => {
      const invocation = JSON.parse(row.doc) as InvocationRecord;
      const runs = row.run_doc !== undefined ? [JSON.parse(row.run_doc) as InstanceRunRecord] : this.runsOfInvocation(invocation.invokeId);
      return { invocation, runs };
    }, total);
  }

  private runsOfInvocation(invokeId: string): InstanceRunRecord[] {
    return documentsOf<InstanceRunRecord>(this.runsOf.all(invokeId));
  }

  /**
   * One row per run (with IncludeHistory: per finished run of a repeating task and the one in
   * progress), in invocation order newest first, then instance order, then newest run first.
   */
  describeInvocationResults(filter: ResultFilter, spec: PageSpec): StorePage<ResultRow> {
    // With a filter on the invocation (CommandId, ResourceGroupId, Tag) the invocations drive the
    // join, newest first, and each one's runs follow in instance order on (region_id, invoke_seq, seq).
    const needsInvocation = filter.commandId !== undefined || filter.resourceGroupId !== undefined || filter.tags.length > 0;
    const where = new SqlWhere().add(needsInvocation ? 'i.region_id = ?' : 'r.region_id = ?', filter.regionId);
    // One invocation's runs: its range of the (region_id, invoke_seq DESC, seq) index (none when it is in another region).
    if (filter.invokeId !== undefined) {
      where.add(runsOfInvocation('r.'), filter.invokeId);
      // Joined, the invocation by its primary key rather than a walk of the region's.
      if (needsInvocation) where.add('i.id = ?', filter.invokeId);
    }
    if (filter.instanceId !== undefined) where.add('r.instance_id = ?', filter.instanceId);
    if (filter.commandId !== undefined) where.add('i.command_id = ?', filter.commandId);
    if (filter.resourceGroupId !== undefined) where.add('i.resource_group_id = ?', filter.resourceGroupId);
    const [firstTag, ...otherTags] = filter.tags;
    if (needsInvocation) where.add(RUNS_OF_JOINED_INVOCATION);
    let from = needsInvocation ? 'invocations i CROSS JOIN instance_runs r' : 'instance_runs r';
    let k1 = needsInvocation ? 'i.seq' : 'r.invoke_seq';
    if (firstTag !== undefined && filter.commandId === undefined && filter.invokeId === undefined && filter.instanceId === undefined) {
      from = 'tags t JOIN invocations i ON i.seq = t.seq CROSS JOIN instance_runs r';
      k1 = 't.seq';
      where.tagDriver('invocations', 't', firstTag);
      where.tags('invocations', 'i.id', otherTags);
    } else {
      where.tags('invocations', 'i.id', filter.tags);
    }
    const statuses = filter.recordStatus !== undefined ? runStatusesForRecordStatus(filter.recordStatus) : undefined;
    let sql: string;
    let params: SqlValue[];
    const cursor = new SqlWhere();
    const limit = limits(spec);
    let total: number | undefined;
    if (!filter.includeHistory) {
      if (statuses) where.in('r.status', statuses);
      const body = `FROM ${from} WHERE ${where.toString()}`;
      // Without history, the region's run rows alone are a counter (kept by the store).
      const { includeHistory: _withoutHistory, ...runFilter } = filter;
      total = spec.countTotal ? totalCount(this.sql, RUN_COUNTS, runFilter, { rows: () => (this.sql.get(`SELECT COUNT(*) AS n ${body}`).get(...where.params) as { n: number }).n }) : undefined;
      if (spec.after !== undefined) {
        // The bound on the invocation keeps the index range; rows of the cursor's invocation before it are skipped.
        const [c1 = 0, c2 = 0] = spec.after;
        cursor.add(`${k1} <= ? AND (${k1} < ? OR r.seq > ?)`, c1, c1, c2);
      }
      // One invocation: k1 is constant, so instance order alone (its index range, no sort;
      // ordered by k1 too, the planner would walk the region's index to skip the sort).
      const order = filter.invokeId !== undefined ? 'r.seq ASC' : `${k1} DESC, r.seq ASC`;
      sql = `SELECT ${k1} AS k1, r.seq AS k2, r.run AS k3, r.doc AS doc, r.invoke_id AS invoke_id ${body} AND ${cursor.toString()} ORDER BY ${order} ${limit.sql}`;
      params = [...where.params, ...cursor.params, ...limit.params];
    } else {
      const past = new SqlWhere();
      const current = new SqlWhere();
      if (statuses) {
        past.in('h.status', statuses);
        current.in('r.status', statuses);
      }
      current.add('NOT EXISTS (SELECT 1 FROM run_history h WHERE h.invoke_id = r.invoke_id AND h.instance_id = r.instance_id AND h.run = r.run)');
      current.add('(r.run > 0 OR NOT EXISTS (SELECT 1 FROM run_history h WHERE h.invoke_id = r.invoke_id AND h.instance_id = r.instance_id))');
      const union = `SELECT ${k1} AS k1, r.seq AS k2, h.run AS k3, h.doc AS doc, r.invoke_id AS invoke_id FROM ${from} JOIN run_history h ON h.invoke_id = r.invoke_id AND h.instance_id = r.instance_id WHERE ${where.toString()} AND ${past.toString()}`
        + ` UNION ALL SELECT ${k1} AS k1, r.seq AS k2, r.run AS k3, r.doc AS doc, r.invoke_id AS invoke_id FROM ${from} WHERE ${where.toString()} AND ${current.toString()}`;
      const unionParams = [...where.params, ...past.params, ...where.params, ...current.params];
      total = spec.countTotal ? (this.sql.get(`SELECT COUNT(*) AS n FROM (${union}) c`).get(...unionParams) as { n: number }).n : undefined;
      if (spec.after !== undefined) {
        const [k1 = 0, k2 = 0, k3 = 0] = spec.after;
        cursor.add('k1 <= ? AND (k1 < ? OR k2 > ? OR (k2 = ? AND k3 < ?))', k1, k1, k2, k2, k3);
      }
      // MATERIALIZED: each half uses its own best index (InvokeId, InstanceId) and the few rows are
      // sorted, rather than a merge of two region-wide ordered scans.
      sql = `WITH u AS MATERIALIZED (${union}) SELECT * FROM u WHERE ${cursor.toString()} ORDER BY k1 DESC, k2 ASC, k3 DESC ${limit.sql}`;
      params = [...unionParams, ...cursor.params, ...limit.params];
    }
    const rows = this.sql.get(sql).all(...params) as ResultKeyRow[];
    const invocations = new Map<string, InvocationRecord>();
    return pageOfRows(rows, spec, (row) => [row.k1, row.k2, row.k3], (row) => {
      let invocation = invocations.get(row.invoke_id);
      if (!invocation) {
        invocation = JSON.parse((this.invocationById.get(row.invoke_id) as { doc: string }).doc) as InvocationRecord;
        invocations.set(row.invoke_id, invocation);
      }
      return { invocation, run: JSON.parse(row.doc) as InstanceRunRecord };
    }, total);
  }

  /** Whether any invocation of the command still has a run that is not final (DeleteCommand). */
  commandHasLiveRuns(commandId: string, finalStatuses: readonly string[]): boolean {
    const where = new SqlWhere().add('i.command_id = ?', commandId);
    const notFinal = new SqlWhere().in('r.status', finalStatuses);
    const row = this.sql
      .get(`SELECT 1 AS x FROM invocations i CROSS JOIN instance_runs r WHERE ${RUNS_OF_JOINED_INVOCATION} AND ${where.toString()} AND NOT (${notFinal.toString()}) LIMIT 1`)
      .get(...where.params, ...notFinal.params);
    return row !== undefined;
  }
}
