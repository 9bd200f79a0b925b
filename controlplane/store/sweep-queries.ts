import type Database from 'better-sqlite3';
import type { InstanceRunRecord } from './records.js';
import { documentsOf } from './documents.js';

/** Which undelivered runs: updated at or before an API time, after one, or all. */
export type UndeliveredRange = { by: string } | { after: string } | 'all';

/**
 * What the invocation sweeper reads every few seconds, on indexes, so that a pass reads the runs
 * that may be due rather than every active run: the Pending runs no agent has acknowledged (by
 * update time: past the delivery window, or still in it), and the runs an agent holds whose
 * Timeout plus grace has run out (on the expression index over held_ms + timeout_s * 1000).
 */
export class SweepQueries {
  private readonly undeliveredBy: Database.Statement;
  private readonly undeliveredAfter: Database.Statement;
  private readonly undeliveredAll: Database.Statement;
  private readonly held: Database.Statement;

  /** `beforeRead` writes what the open group commit still holds in memory (Store.runs' write-behind). */
  constructor(db: Database.Database, private readonly beforeRead: () => void = () => undefined) {
    const undelivered = "SELECT doc FROM instance_runs WHERE status = 'Pending' AND delivered_time = ''";
    this.undeliveredBy = db.prepare(`${undelivered} AND update_time <= ? ORDER BY update_time`);
    this.undeliveredAfter = db.prepare(`${undelivered} AND update_time > ? ORDER BY update_time`);
    this.undeliveredAll = db.prepare(`${undelivered} ORDER BY update_time`);
    this.held = db.prepare(
      "SELECT doc FROM instance_runs WHERE status IN ('Pending', 'Running', 'Stopping') AND held_ms + timeout_s * 1000 <= ? AND (status <> 'Pending' OR delivered_time <> '')",
    );
  }

  /** Pending runs without an acknowledgement, oldest update first. */
  undelivered(range: UndeliveredRange): InstanceRunRecord[] {
    this.beforeRead();
    const rows = range === 'all' ? this.undeliveredAll.all() : 'by' in range ? this.undeliveredBy.all(range.by) : this.undeliveredAfter.all(range.after);
    return documentsOf<InstanceRunRecord>(rows);
  }

  /** Runs an agent holds (acknowledged Pending, Running, Stopping) held since before `ms` minus their Timeout. */
  heldPast(ms: number): InstanceRunRecord[] {
    this.beforeRead();
    return documentsOf<InstanceRunRecord>(this.held.all(ms));
  }
}
