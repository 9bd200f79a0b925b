import type Database from 'better-sqlite3';
import type { InstanceSelector } from '../domain/instance-selector.js';
import type { Tag } from '../domain/tag.js';
import type { SqlValue } from './document-table.js';
import { pageOfRows, type PageSpec, type StorePage } from './page.js';
import type { InstanceInvocationStatus, InstanceKind, InstanceLifecycleStatus, InstanceRecord } from './records.js';
import { SqlWhere } from './sql-where.js';
import { StatementCache } from './statement-cache.js';
import { totalCount } from './row-counts.js';
import { anySelected } from './selector-where.js';
import { INSTANCE_COUNTS } from './table-specs.js';

export interface InstanceFilter {
  regionId: string;
  /** Compared case-insensitively (the column holds it in lower case). */
  osType?: string;
}

/** The filters of DescribeManagedInstances (kind `managed`) and DescribeInstances (kind `ecs`). */
export interface RegisteredFilter {
  regionId: string;
  kind: InstanceKind;
  /** Only these instances (undefined: any; empty: none). */
  instanceIds?: readonly string[];
  name?: string;
  activationId?: string;
  /** Compared case-insensitively. */
  osType?: string;
  /** The effective group (resourceGroupOf). */
  resourceGroupId?: string;
  status?: InstanceLifecycleStatus | string;
  tags: readonly Tag[];
  /** Whether the agent has a live session: the `connected` column (instance-presence.ts). */
  connected?: boolean;
  /**
   * With `connected`: instances that count as offline whatever the column says (the agent-offline
   * faults in force), left out of Connected=true and taken into Connected=false, in SQL.
   */
  offline?: readonly InstanceSelector[];
  /**
   * A condition that is not a column (whether the agent counts as connected when the column
   * cannot be trusted), checked on the rows the SQL filter leaves, walked in batches in index order.
   */
  keep?: (instanceId: string) => boolean;
}

/** What a listing reads: `head` (a WITH clause, and its parameters) before the SELECT, then `tables`. */
interface From {
  head: string;
  params: SqlValue[];
  tables: string;
}

/**
 * What an instance's runs say of it: DescribeManagedInstances' InvocationCount and
 * LastInvokedTime, DescribeCloudAssistantStatus' ActiveTaskCount and InvocationCount.
 */
export interface InstanceRunStats {
  /** Invocations that targeted the instance: its kept runs (one per invocation) plus those retention purged. */
  invocationCount: number;
  /** When the newest of them was created ("" if none). */
  lastInvokedTime: string;
  /** Runs going on it now. */
  running: number;
  /** Runs that ended on it (every purged run had ended). */
  finished: number;
}

/**
 * Connected on the `connected` column: its index range, or with instances that count as offline
 * whatever it says, the column and those (checked on the rows of the range for `true`).
 */
function connectedWhere(where: SqlWhere, connected: boolean, offline: readonly InstanceSelector[]): void {
  if (offline.length === 0) {
    where.add('i.connected = ?', connected ? 1 : 0);
    return;
  }
  const selected = anySelected('i', offline);
  if (connected) where.add(`i.connected = 1 AND NOT ${selected.sql}`, ...selected.params);
  else where.add(`(i.connected = 0 OR ${selected.sql})`, ...selected.params);
}

/** Rows the in-memory condition (`keep`) is checked on per read. */
const KEEP_BATCH = 500;

function limits(spec: PageSpec): { sql: string; params: SqlValue[] } {
  return spec.after !== undefined ? { sql: 'LIMIT ?', params: [spec.limit + 1] } : { sql: 'LIMIT ? OFFSET ?', params: [spec.limit + 1, spec.offset] };
}

/**
 * The instance queries in SQL: registered instances of a region newest first (`seq DESC`) on the
 * indexes of table-specs.ts, keyset-paged, and the lookups that replace walks of the registry.
 */
export class InstanceQueries {
  private readonly sql: StatementCache;
  private readonly withActivation: Database.Statement;
  private readonly inGroup: Database.Statement;

  constructor(db: Database.Database, sql: StatementCache = new StatementCache(db)) {
    this.sql = sql;
    this.withActivation = db.prepare('SELECT 1 AS x FROM instances WHERE activation_id = ? AND deregistered = 0 LIMIT 1');
    this.inGroup = db.prepare('SELECT 1 AS x FROM instances WHERE resource_group_id = ? AND deregistered = 0 LIMIT 1');
  }

  /** Registered (not deregistered) instances, newest first, on (region_id, deregistered, seq). */
  list(filter: InstanceFilter, spec: PageSpec): StorePage<InstanceRecord> {
    const where = new SqlWhere().add('region_id = ?', filter.regionId).add('deregistered = 0');
    if (filter.osType !== undefined) where.add('os_type = ?', filter.osType.toLowerCase());
    const total = spec.countTotal ? (this.sql.get(`SELECT COUNT(*) AS n FROM instances WHERE ${where.toString()}`).get(...where.params) as { n: number }).n : undefined;
    if (spec.after !== undefined) where.add('seq < ?', spec.after[0] ?? 0);
    const limit = limits(spec);
    const rows = this.sql.get(`SELECT seq, doc FROM instances WHERE ${where.toString()} ORDER BY seq DESC ${limit.sql}`).all(...where.params, ...limit.params) as Array<{ seq: number; doc: string }>;
    return pageOfRows(rows, spec, (row) => [row.seq], (row) => JSON.parse(row.doc) as InstanceRecord, total);
  }

  /**
   * DescribeManagedInstances / DescribeInstances: one kind of registered instance, newest first.
   * The first Tag.N drives (its index entries newest first) unless InstanceId.N does (at most
   * 50 / 100 primary-key lookups, then sorted). Each other filter has an index after (region_id, kind,
   * deregistered); Connected's is (region_id, kind, deregistered, connected, seq). With `keep`, the
   * page is filled from batches of the SQL filter's rows. TotalCount for the region and kind, or
   * one tag besides, or Connected, comes from the counters (row-counts.ts, counted-filters.ts).
   */
  registered(filter: RegisteredFilter, spec: PageSpec): StorePage<InstanceRecord> {
    const query = this.registeredQuery(filter);
    if (query === undefined) return { items: [], total: spec.countTotal ? 0 : undefined, next: undefined };
    const { from, key, where } = query;
    if (filter.keep) return this.keptPage(from, key, where, spec, filter.keep);
    const total = spec.countTotal
      ? totalCount(this.sql, INSTANCE_COUNTS, filter, {
        rows: () => this.countOf(query),
        // Connected=false while faults hide some: the rows less Connected=true (its small range).
        flagTrue: () => this.countOf(this.registeredQuery({ ...filter, connected: true })),
      })
      : undefined;
    if (spec.after !== undefined) where.add(`${key} < ?`, spec.after[0] ?? 0);
    const limit = limits(spec);
    const rows = this.sql.get(`${from.head}SELECT ${key} AS seq, i.doc AS doc FROM ${from.tables} WHERE ${where.toString()} ORDER BY ${key} DESC ${limit.sql}`)
      .all(...from.params, ...where.params, ...limit.params) as Array<{ seq: number; doc: string }>;
    return pageOfRows(rows, spec, (row) => [row.seq], (row) => JSON.parse(row.doc) as InstanceRecord, total);
  }

  /** What `registered` reads, and its order key; undefined when nothing can match (InstanceId.N empty). */
  private registeredQuery(filter: RegisteredFilter): { from: From; key: string; where: SqlWhere } | undefined {
    const where = new SqlWhere().add('i.region_id = ?', filter.regionId).add('i.kind = ?', filter.kind).add('i.deregistered = 0');
    if (filter.name !== undefined) where.add('i.name = ?', filter.name);
    if (filter.activationId !== undefined) where.add('i.activation_id = ?', filter.activationId);
    if (filter.osType !== undefined) where.add('i.os_type = ?', filter.osType.toLowerCase());
    if (filter.resourceGroupId !== undefined) where.add('i.resource_group_id = ?', filter.resourceGroupId);
    if (filter.status !== undefined) where.add('i.status = ?', filter.status);
    if (filter.connected !== undefined) connectedWhere(where, filter.connected, filter.offline ?? []);
    let from: From = { head: '', params: [], tables: 'instances i' };
    let key = 'i.seq';
    const [firstTag, ...otherTags] = filter.tags;
    if (filter.instanceIds !== undefined) {
      if (filter.instanceIds.length === 0) return undefined;
      // The named rows first (primary-key lookups): else the planner walks the region's index range.
      const named = new SqlWhere().in('id', filter.instanceIds);
      from = { head: `WITH named AS MATERIALIZED (SELECT * FROM instances WHERE ${named.toString()}) `, params: named.params, tables: 'named i' };
      where.tags('instances', 'i.id', filter.tags);
    } else if (firstTag !== undefined) {
      from = { ...from, tables: 'tags t JOIN instances i ON i.seq = t.seq' };
      key = 't.seq';
      where.tagDriver('instances', 't', firstTag);
      where.tags('instances', 'i.id', otherTags);
    } else {
      where.tags('instances', 'i.id', filter.tags);
    }
    return { from, key, where };
  }

  /** The COUNT(*) of a registered query (0 for none). */
  private countOf(query: { from: From; where: SqlWhere } | undefined): number {
    if (query === undefined) return 0;
    const { from, where } = query;
    return (this.sql.get(`${from.head}SELECT COUNT(*) AS n FROM ${from.tables} WHERE ${where.toString()}`).get(...from.params, ...where.params) as { n: number }).n;
  }

  /**
   * A page of the rows that pass `keep`, read in batches of (seq, id) in index order: a keyset page
   * stops once it has `limit + 1`; an offset page skips `offset` kept rows; TotalCount reads them all.
   */
  private keptPage(from: From, key: string, where: SqlWhere, spec: PageSpec, keep: (instanceId: string) => boolean): StorePage<InstanceRecord> {
    const batch = this.sql.get(`${from.head}SELECT ${key} AS seq, i.id AS id FROM ${from.tables} WHERE ${where.toString()} AND ${key} < ? ORDER BY ${key} DESC LIMIT ?`);
    const picked: number[] = [];
    let skip = spec.after !== undefined ? 0 : spec.offset;
    let total = 0;
    let cursor = spec.after?.[0] ?? Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = batch.all(...from.params, ...where.params, cursor, KEEP_BATCH) as Array<{ seq: number; id: string }>;
      for (const row of rows) {
        if (!keep(row.id)) continue;
        total += 1;
        if (skip > 0) skip -= 1;
        else if (picked.length <= spec.limit) picked.push(row.seq);
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < KEEP_BATCH || (!spec.countTotal && picked.length > spec.limit)) break;
      cursor = last.seq;
    }
    const docs = this.sql.get(`SELECT seq, doc FROM instances WHERE ${new SqlWhere().in('seq', picked).toString()} ORDER BY seq DESC`).all(...picked) as Array<{ seq: number; doc: string }>;
    return pageOfRows(docs, spec, (row) => [row.seq], (row) => JSON.parse(row.doc) as InstanceRecord, spec.countTotal ? total : undefined);
  }

  /**
   * RunCommand's / InvokeCommand's ResourceTag.N: the Running registered instances of a region
   * carrying every tag (in `group` when given), newest first, at most `limit`. The first tag's
   * index entries drive; the instance is joined by primary key.
   */
  runningWithTags(regionId: string, tags: readonly Tag[], group: string | undefined, limit: number): string[] {
    const [first, ...others] = tags;
    if (first === undefined) return [];
    const where = new SqlWhere().tagDriver('instances', 't', first).add('i.region_id = ?', regionId).add('i.deregistered = 0').add("i.status = 'Running'");
    where.tags('instances', 'i.id', others);
    if (group !== undefined) where.add('i.resource_group_id = ?', group);
    const rows = this.sql.get(`SELECT i.id AS id FROM tags t JOIN instances i ON i.seq = t.seq WHERE ${where.toString()} ORDER BY t.seq DESC LIMIT ?`).all(...where.params, limit) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /** Whether a registered instance was registered with the activation (DeleteActivation's ActivationInUse). */
  activationInUse(activationId: string): boolean {
    return this.withActivation.get(activationId) !== undefined;
  }

  /** Whether a registered instance belongs to `group` (its effective group). */
  groupInUse(group: string): boolean {
    return this.inGroup.get(group) !== undefined;
  }

  /**
   * Counted from the instance's runs, not kept in its row (so a RunCommand on 100 instances does
   * not rewrite 100 instance rows): a COUNT on the (region_id, instance_id, invoke_seq) index, its
   * first entry, and the instance's live runs on their partial index. What retention purged was
   * added to the record by the purge (purgedInvocationCount, purgedLastInvokedTime).
   */
  runStats(instance: Pick<InstanceRecord, 'regionId' | 'instanceId' | 'purgedInvocationCount' | 'purgedLastInvokedTime'>): InstanceRunStats {
    const on = [instance.regionId, instance.instanceId];
    const kept = (this.sql.get('SELECT COUNT(*) AS n FROM instance_runs WHERE region_id = ? AND instance_id = ?').get(...on) as { n: number }).n;
    const newest = this.sql.get('SELECT creation_time FROM instance_runs WHERE region_id = ? AND instance_id = ? ORDER BY invoke_seq DESC, seq LIMIT 1').get(...on) as { creation_time: string } | undefined;
    let live = 0;
    let running = 0;
    // An instance has few live runs: their statuses are counted here (no sort for a GROUP BY).
    for (const row of this.sql.get('SELECT status FROM instance_runs WHERE instance_id = ? AND live = 1').all(instance.instanceId) as Array<{ status: InstanceInvocationStatus }>) {
      live += 1;
      if (row.status === 'Running') running += 1;
    }
    const purged = instance.purgedInvocationCount ?? 0;
    return {
      invocationCount: purged + kept,
      lastInvokedTime: newest?.creation_time ?? instance.purgedLastInvokedTime ?? '',
      running,
      finished: purged + kept - live,
    };
  }
}
