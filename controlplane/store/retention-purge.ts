import type Database from 'better-sqlite3';
import type { RowCounts } from './row-counts.js';
import { RUNS_OF_INVOCATION } from './table-specs.js';

/** What one purge pass removed. */
export interface PurgeCounts {
  invocations: number;
  runs: number;
  commands: number;
  files: number;
  clientTokens: number;
}

/** Per instance: how many of its runs a pass purged, and the newest of their creation times. */
export type PurgedRuns = Map<string, { count: number; newest: string }>;

/** The aggregate statuses of a task that is still going: never purged, however old. */
const LIVE = ['Pending', 'Scheduled', 'Running', 'Stopping'];

/**
 * Deletes what is older than a cut-off time (API-formatted UTC, which sorts as text): finished
 * invocations with their runs, history, status counts and tags (the row counts follow: triggers,
 * and `counts` for the runs; the zero counters are dropped); run-only commands no remaining
 * invocation refers to; SendFile calls and client tokens. Each pass takes at most `batch`
 * invocations, found on the creation_time index, so a pass is short and the server stays
 * responsive; the timer (retention-timer.ts) calls it until it removes nothing.
 */
export class RetentionPurge {
  private readonly oldInvocations: Database.Statement;
  private readonly runsOfInvocation: Database.Statement;
  private readonly deletes: Database.Statement[];
  private readonly oldCommands: Database.Statement;
  private readonly oldFiles: Database.Statement;
  private readonly oldTokens: Database.Statement;

  private readonly deleteCommand: Database.Statement[];
  private readonly deleteFile: Database.Statement[];

  /**
   * `forgetInvocation` drops a purged invocation from the table's cache; `counts` counts the runs
   * it deletes; `keepCounts` adds the purged runs to their instances' records (InvocationCount
   * counts them), in the pass's transaction.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly forgetInvocation: (invokeId: string) => void,
    private readonly counts: Pick<RowCounts, 'runsAdded' | 'dropZeros'>,
    private readonly keepCounts: (purged: PurgedRuns) => void,
  ) {
    this.runsOfInvocation = db.prepare(`SELECT instance_id, creation_time FROM instance_runs WHERE ${RUNS_OF_INVOCATION}`);
    this.oldInvocations = db.prepare(
      `SELECT id FROM invocations WHERE creation_time < ? AND (invoke_status IS NULL OR invoke_status NOT IN (${LIVE.map(() => '?').join(', ')})) ORDER BY creation_time LIMIT ?`,
    );
    this.deletes = [
      db.prepare('DELETE FROM run_history WHERE invoke_id = ?'),
      // While the invocation row is still there (it goes last).
      db.prepare(`DELETE FROM instance_runs WHERE ${RUNS_OF_INVOCATION}`),
      db.prepare('DELETE FROM invocation_run_counts WHERE invoke_id = ?'),
      db.prepare("DELETE FROM tags WHERE kind = 'invocations' AND id = ?"),
      db.prepare('DELETE FROM invocations WHERE id = ?'),
    ];
    this.oldCommands = db.prepare(
      'SELECT id FROM commands WHERE kept = 0 AND creation_time < ? AND NOT EXISTS (SELECT 1 FROM invocations i WHERE i.command_id = commands.id) LIMIT ?',
    );
    this.deleteCommand = [db.prepare("DELETE FROM tags WHERE kind = 'commands' AND id = ?"), db.prepare('DELETE FROM commands WHERE id = ?')];
    this.deleteFile = [db.prepare('DELETE FROM file_deliveries WHERE invoke_id = ?'), db.prepare('DELETE FROM file_invocations WHERE id = ?')];
    this.oldFiles = db.prepare('SELECT id FROM file_invocations WHERE creation_time < ? ORDER BY creation_time LIMIT ?');
    this.oldTokens = db.prepare('DELETE FROM client_tokens WHERE creation_time < ?');
  }

  /** One bounded pass, in one transaction. */
  purgeBefore(cutoff: string, batch = 500): PurgeCounts {
    return this.db.transaction((): PurgeCounts => {
      const ids = (this.oldInvocations.all(cutoff, ...LIVE, batch) as Array<{ id: string }>).map((r) => r.id);
      let runs = 0;
      const purged: PurgedRuns = new Map();
      for (const id of ids) {
        for (const run of this.runsOfInvocation.all(id) as Array<{ instance_id: string; creation_time: string }>) {
          const entry = purged.get(run.instance_id) ?? { count: 0, newest: '' };
          purged.set(run.instance_id, { count: entry.count + 1, newest: run.creation_time > entry.newest ? run.creation_time : entry.newest });
        }
        for (const [index, statement] of this.deletes.entries()) {
          const info = statement.run(id);
          if (index !== 1) continue;
          runs += info.changes;
          // Before the invocation row goes: the runs' region is its region.
          this.counts.runsAdded(id, -info.changes);
        }
        this.forgetInvocation(id);
      }
      if (purged.size > 0) this.keepCounts(purged);
      const commands = (this.oldCommands.all(cutoff, batch) as Array<{ id: string }>).map((r) => r.id);
      for (const id of commands) for (const statement of this.deleteCommand) statement.run(id);
      const files = (this.oldFiles.all(cutoff, batch) as Array<{ id: string }>).map((r) => r.id);
      for (const id of files) for (const statement of this.deleteFile) statement.run(id);
      const clientTokens = this.oldTokens.run(cutoff).changes;
      // The counters this pass (or earlier writes) brought to 0.
      this.counts.dropZeros();
      return { invocations: ids.length, runs, commands: commands.length, files: files.length, clientTokens };
    })();
  }
}
