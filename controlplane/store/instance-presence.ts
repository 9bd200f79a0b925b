import type Database from 'better-sqlite3';

/**
 * The instances' `connected` column (INTEGER 0/1): whether the instance's agent has a live session
 * (casim's `/agent` WebSocket or the real agent's kick channel), so DescribeManagedInstances'
 * Connected is an index range like the other filters. Not in the document (a `put` never writes
 * it): the sessions set it when they open and close. No session survives a restart, so the store
 * sets it to 0 everywhere when it opens (`resetAll`).
 *
 * The column is added here, after the instances table exists, NOT NULL DEFAULT 0 (an O(1) ALTER:
 * older rows read 0 without being rewritten); so are its indexes:
 * - (region_id, kind, deregistered, connected, seq): the listing's leading columns, then Connected,
 *   then the newest-first order (keyset pages, an exact COUNT on the range);
 * - (connected) WHERE connected = 1: only the live sessions, what `resetAll` reads.
 *
 * `last_heartbeat` (API time, '' before the first) is kept the same way, out of the document: a
 * fleet's heartbeats (10,000 agents every 30 s) update one unindexed column through the group
 * commit instead of rewriting, and evicting from the cache, each instance's document.
 */
export class InstancePresence {
  private readonly setOne: Database.Statement;
  private readonly reset: Database.Statement;
  private readonly setHeartbeat: Database.Statement;
  private readonly getHeartbeat: Database.Statement;

  constructor(db: Database.Database) {
    const columns = db.prepare('PRAGMA table_info(instances)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'connected')) db.exec('ALTER TABLE instances ADD COLUMN connected INTEGER NOT NULL DEFAULT 0');
    if (!columns.some((c) => c.name === 'last_heartbeat')) db.exec("ALTER TABLE instances ADD COLUMN last_heartbeat TEXT NOT NULL DEFAULT ''");
    db.exec('CREATE INDEX IF NOT EXISTS instances_by_region_id_kind_deregistered_connected_seq ON instances (region_id, kind, deregistered, connected, seq)');
    db.exec('CREATE INDEX IF NOT EXISTS instances_by_connected_live ON instances (connected) WHERE connected = 1');
    // Unchanged (a replaced session, a re-dial): no write, so no index entry moves.
    this.setOne = db.prepare('UPDATE instances SET connected = ? WHERE id = ? AND connected <> ?');
    this.reset = db.prepare('UPDATE instances SET connected = 0 WHERE connected = 1');
    this.setHeartbeat = db.prepare('UPDATE instances SET last_heartbeat = ? WHERE id = ?');
    this.getHeartbeat = db.prepare('SELECT last_heartbeat FROM instances WHERE id = ?');
  }

  /** The instance's agent was heard from at `time` (an API time). */
  heartbeat(instanceId: string, time: string): void {
    this.setHeartbeat.run(time, instanceId);
  }

  /** When the instance's agent was last heard from ('' never). */
  lastHeartbeat(instanceId: string): string {
    return (this.getHeartbeat.get(instanceId) as { last_heartbeat: string } | undefined)?.last_heartbeat ?? '';
  }

  /** The instance's agent session opened (`true`) or closed. */
  set(instanceId: string, connected: boolean): void {
    const value = connected ? 1 : 0;
    this.setOne.run(value, instanceId, value);
  }

  /** Every instance offline (the server starts: no session survived); how many were marked connected. */
  resetAll(): number {
    return this.reset.run().changes;
  }
}
