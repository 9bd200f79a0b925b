import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { plansOfStatements } from '../support/query-plans.js';
import { invocationRecord, runRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-due-runs-'));
afterAll(() => removeDir(dir));

const DUE_SQL = "SELECT doc FROM instance_runs WHERE status = 'Scheduled' AND next_run_time <> '' AND next_run_time <= ? ORDER BY next_run_time";

/** The run indexes on next_run_time, with their SQL. */
function nextRunIndexes(db: Database.Database): Array<{ name: string; sql: string }> {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instance_runs' AND sql LIKE '%next_run_time%'").all() as Array<{ name: string; sql: string }>;
}

/** How many entries an index holds (read through the index itself). */
function entriesOf(db: Database.Database, index: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM instance_runs INDEXED BY ${index} WHERE status = 'Scheduled' AND next_run_time > ''`).get() as { n: number }).n;
}

function fill(store: Store): void {
  store.transaction(() => {
    store.invocations.add(invocationRecord('t-rate', ['mi-1', 'mi-2', 'mi-3', 'mi-4'], { repeatMode: 'Period' }));
    store.runs.add(runRecord('t-rate', 'mi-1', 'Scheduled', { nextRunTime: '2026-11-01T00:02:00Z' }));
    store.runs.add(runRecord('t-rate', 'mi-2', 'Scheduled', { nextRunTime: '2026-11-01T00:01:00Z' }));
    store.runs.add(runRecord('t-rate', 'mi-3', 'Scheduled', { nextRunTime: '2026-11-01T00:09:00Z' }));
    // Running with a next time left from its schedule: not due, and not in the scheduler's index.
    store.runs.add(runRecord('t-rate', 'mi-4', 'Running', { nextRunTime: '2026-11-01T00:00:30Z' }));
  });
}

describe("the scheduler's index of Scheduled runs (Store.dueRuns)", () => {
  it('holds only Scheduled runs: a run that starts leaves it, and dueRuns reads it without a scan', () => {
    const store = new Store(join(dir, 'due.sqlite'));
    const raw = new Database(join(dir, 'due.sqlite'), { readonly: true });
    try {
      fill(store);
      expect(store.dueRuns('2026-11-01T00:05:00Z').map((r) => r.instanceId)).toEqual(['mi-2', 'mi-1']);
      const [index, ...others] = nextRunIndexes(raw);
      expect(others).toEqual([]);
      expect(index?.sql).toMatch(/WHERE status = 'Scheduled'$/);
      expect(entriesOf(raw, index!.name)).toBe(3);
      // mi-2's tick: it runs now, so it leaves the index; when it is Scheduled again it is back.
      const due = store.run('t-rate', 'mi-2')!;
      store.transaction(() => store.runs.put({ ...due, status: 'Running' }));
      expect(entriesOf(raw, index!.name)).toBe(2);
      expect(store.dueRuns('2026-11-01T00:05:00Z').map((r) => r.instanceId)).toEqual(['mi-1']);
      store.transaction(() => store.runs.put({ ...due, status: 'Scheduled', nextRunTime: '2026-11-01T00:03:00Z' }));
      expect(store.dueRuns('2026-11-01T00:05:00Z').map((r) => r.instanceId)).toEqual(['mi-1', 'mi-2']);
      const plan = plansOfStatements(raw, [DUE_SQL]);
      expect(plan.filter((d) => /^SCAN /.test(d) || d.includes('TEMP B-TREE'))).toEqual([]);
      expect(plan.join(' ')).toContain(index!.name);
    } finally {
      raw.close();
      store.close();
    }
  });

  it('replaces the (status, next_run_time) index of a schema 6 data dir', () => {
    const file = join(dir, 'schema6.sqlite');
    const before = new Store(file);
    fill(before);
    before.close();
    // What schema 6 had: the full index on (status, next_run_time) instead of the partial one.
    const old = new Database(file);
    for (const { name } of nextRunIndexes(old)) old.exec(`DROP INDEX ${name}`);
    old.exec('CREATE INDEX instance_runs_by_status_next_run_time ON instance_runs (status, next_run_time)');
    old.pragma('user_version = 6');
    old.close();

    const store = new Store(file);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const indexes = nextRunIndexes(raw);
      expect(indexes.map((i) => i.name)).not.toContain('instance_runs_by_status_next_run_time');
      expect(indexes).toHaveLength(1);
      expect(entriesOf(raw, indexes[0]!.name)).toBe(3);
      expect(store.dueRuns('2026-11-01T00:05:00Z').map((r) => r.instanceId)).toEqual(['mi-2', 'mi-1']);
    } finally {
      raw.close();
      store.close();
    }
  });
});
