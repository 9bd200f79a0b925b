import type Database from 'better-sqlite3';
import type { Tag } from '../domain/tag.js';
import { deliveryStatusesFor } from '../files/file-status-filters.js';
import { pageOfRows, type PageSpec, type StorePage } from './page.js';
import type { FileDeliveryRecord, FileInvocationRecord } from './records.js';
import { SqlWhere } from './sql-where.js';
import { StatementCache } from './statement-cache.js';
import { documentsOf } from './documents.js';
import { totalCount } from './row-counts.js';
import { FILE_INVOCATION_COUNTS } from './table-specs.js';

/** DescribeSendFileResults' filters. */
export interface SendFileFilter {
  regionId: string;
  invokeId?: string;
  /** Only SendFiles to this instance, and only its delivery (its status stands for the aggregate). */
  instanceId?: string;
  name?: string;
  resourceGroupId?: string;
  tags: readonly Tag[];
  /** The aggregate InvocationStatus (with `instanceId`: that instance's). */
  status?: string;
}

export interface SendFileRow {
  invocation: FileInvocationRecord;
  /** All deliveries in instance order, or only `instanceId`'s. */
  deliveries: FileDeliveryRecord[];
}

/**
 * DescribeSendFileResults in SQL, newest first, keyset-paged: on the SendFiles (region_id[,
 * filter], seq), or the first Tag.N's index entries, or with InstanceId on that instance's
 * deliveries (region_id, instance_id, invoke_seq). The aggregate status is the `file_status`
 * column the store keeps (store.ts); TotalCount for the region or one tag is a counter (row-counts.ts).
 */
export class FileQueries {
  private readonly sql: StatementCache;
  private readonly deliveriesOf: Database.Statement;
  private readonly pendingSince: Database.Statement;
  private readonly pendingOn: Database.Statement;

  constructor(db: Database.Database, sql: StatementCache = new StatementCache(db)) {
    this.sql = sql;
    this.deliveriesOf = db.prepare('SELECT doc FROM file_deliveries WHERE invoke_id = ? ORDER BY seq');
    this.pendingSince = db.prepare("SELECT doc FROM file_deliveries WHERE status = 'Pending' AND update_time <= ? ORDER BY update_time");
    this.pendingOn = db.prepare("SELECT doc FROM file_deliveries WHERE instance_id = ? AND status = 'Pending' ORDER BY seq");
  }

  /** Pending deliveries last updated at or before `time` (an API time), oldest first, on (status, update_time). */
  pendingUpdatedBy(time: string): FileDeliveryRecord[] {
    return documentsOf<FileDeliveryRecord>(this.pendingSince.all(time));
  }

  /** An instance's Pending deliveries, in the order they were made, on (instance_id, status). */
  pendingOnInstance(instanceId: string): FileDeliveryRecord[] {
    return documentsOf<FileDeliveryRecord>(this.pendingOn.all(instanceId));
  }

  describeSendFileResults(filter: SendFileFilter, spec: PageSpec): StorePage<SendFileRow> {
    const byInstance = filter.instanceId !== undefined;
    const where = new SqlWhere().add(byInstance ? 'd.region_id = ?' : 'f.region_id = ?', filter.regionId);
    if (filter.invokeId !== undefined) where.add('f.id = ?', filter.invokeId);
    if (filter.name !== undefined) where.add('f.name = ?', filter.name);
    if (filter.resourceGroupId !== undefined) where.add('f.resource_group_id = ?', filter.resourceGroupId);
    let from = 'file_invocations f';
    let key = 'f.seq';
    let select = 'f.seq AS k1, f.doc AS doc';
    const [firstTag, ...otherTags] = filter.tags;
    if (byInstance) {
      from = 'file_deliveries d JOIN file_invocations f ON f.id = d.invoke_id';
      key = 'd.invoke_seq';
      select = 'd.invoke_seq AS k1, f.doc AS doc, d.doc AS delivery_doc';
      where.add('d.instance_id = ?', filter.instanceId ?? '');
      if (filter.status !== undefined) where.in('d.status', deliveryStatusesFor(filter.status));
      where.tags('file_invocations', 'f.id', filter.tags);
    } else {
      if (filter.status !== undefined) where.add('f.file_status = ?', filter.status);
      if (firstTag !== undefined && filter.invokeId === undefined) {
        from = 'tags t JOIN file_invocations f ON f.seq = t.seq';
        key = 't.seq';
        select = 't.seq AS k1, f.doc AS doc';
        where.tagDriver('file_invocations', 't', firstTag);
        where.tags('file_invocations', 'f.id', otherTags);
      } else {
        where.tags('file_invocations', 'f.id', filter.tags);
      }
    }
    const total = spec.countTotal
      ? totalCount(this.sql, FILE_INVOCATION_COUNTS, filter, { rows: () => (this.sql.get(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where.toString()}`).get(...where.params) as { n: number }).n })
      : undefined;
    if (spec.after !== undefined) where.add(`${key} < ?`, spec.after[0] ?? 0);
    const paging = spec.after !== undefined ? 'LIMIT ?' : 'LIMIT ? OFFSET ?';
    const limits = spec.after !== undefined ? [spec.limit + 1] : [spec.limit + 1, spec.offset];
    const rows = this.sql.get(`SELECT ${select} FROM ${from} WHERE ${where.toString()} ORDER BY ${key} DESC ${paging}`).all(...where.params, ...limits) as Array<{ k1: number; doc: string; delivery_doc?: string }>;
    return pageOfRows(rows, spec, (row) => [row.k1], (row) => {
      const invocation = JSON.parse(row.doc) as FileInvocationRecord;
      const deliveries = row.delivery_doc !== undefined
        ? [JSON.parse(row.delivery_doc) as FileDeliveryRecord]
        : documentsOf<FileDeliveryRecord>(this.deliveriesOf.all(invocation.invokeId));
      return { invocation, deliveries };
    }, total);
  }
}
