import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileQueries } from '../../controlplane/store/file-queries.js';
import type { InstanceRunRecord } from '../../controlplane/store/records.js';
import { Store } from '../../controlplane/store/store.js';
import { SweepQueries } from '../../controlplane/store/sweep-queries.js';
import { removeDir } from '../support/harness.js';
import { deliveryRecord, fileRecord, invocationRecord, runRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-sweep-'));
const file = join(dir, 'state.sqlite');
const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

let raw: Database.Database;
let sweep: SweepQueries;
let files: FileQueries;

/** Runs of three invocations (Timeout 10 s, 60 s, 600 s), across the statuses and times the sweeper tells apart. */
beforeAll(() => {
  const store = new Store(file);
  store.transaction(() => {
    for (const [id, timeout] of [['t-10', 10], ['t-60', 60], ['t-600', 600]] as const) {
      store.invocations.add(invocationRecord(id, [], { timeout }));
      const run = (instanceId: string, status: InstanceRunRecord['status'], overrides: Partial<InstanceRunRecord>): void =>
        store.runs.add(runRecord(id, instanceId, status, overrides));
      run('undelivered-old', 'Pending', { updateTime: at(0) });
      run('undelivered-new', 'Pending', { updateTime: at(100) });
      run('acked', 'Pending', { updateTime: at(5), deliveredTime: at(5) });
      run('running', 'Running', { updateTime: at(50), deliveredTime: at(1), startTime: at(2) });
      run('stopping', 'Stopping', { updateTime: at(300), startTime: at(250) });
      run('done', 'Success', { updateTime: at(0), startTime: at(0), deliveredTime: at(0) });
      run('scheduled', 'Scheduled', { updateTime: at(0) });
    }
    store.fileInvocations.add(fileRecord('f-1', ['mi-a', 'mi-b', 'mi-c']));
    store.fileDeliveries.add(deliveryRecord('f-1', 'mi-a', 'Pending', { updateTime: at(0) }));
    store.fileDeliveries.add(deliveryRecord('f-1', 'mi-b', 'Pending', { updateTime: at(90) }));
    store.fileDeliveries.add(deliveryRecord('f-1', 'mi-c', 'Success', { updateTime: at(0) }));
  });
  store.close();
  raw = new Database(file, { readonly: true });
  sweep = new SweepQueries(raw);
  files = new FileQueries(raw);
});
afterAll(() => {
  raw.close();
  removeDir(dir);
});

function planOf(sql: string, ...params: unknown[]): string[] {
  return (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
}

const keys = (runs: readonly InstanceRunRecord[]): string[] => runs.map((r) => `${r.invokeId}/${r.instanceId}`).sort();

describe('the sweepers read only the runs that may be due, on indexes', () => {
  it('reads the undelivered Pending runs by update time: past the window, within it, or all', () => {
    expect(keys(sweep.undelivered({ by: at(60) }))).toEqual(['t-10/undelivered-old', 't-60/undelivered-old', 't-600/undelivered-old']);
    expect(keys(sweep.undelivered({ after: at(60) }))).toEqual(['t-10/undelivered-new', 't-60/undelivered-new', 't-600/undelivered-new']);
    expect(keys(sweep.undelivered('all'))).toHaveLength(6);
    // Whole seconds compared as text: a run updated exactly at the cutoff is due.
    expect(keys(sweep.undelivered({ by: at(100) }))).toHaveLength(6);
  });

  it('reads the held runs whose Timeout has run out before a bound, and no undelivered or finished run', () => {
    // Held since: acked 5 s, running 2 s, stopping 250 s; Timeout 10 / 60 / 600 s.
    expect(keys(sweep.heldPast(T0 + 11_999))).toEqual([]);
    expect(keys(sweep.heldPast(T0 + 12_000))).toEqual(['t-10/running']);
    expect(keys(sweep.heldPast(T0 + 70_000))).toEqual(['t-10/acked', 't-10/running', 't-60/acked', 't-60/running']);
    expect(keys(sweep.heldPast(T0 + 310_000))).toEqual(['t-10/acked', 't-10/running', 't-10/stopping', 't-60/acked', 't-60/running', 't-60/stopping']);
    expect(keys(sweep.heldPast(T0 + 10_000_000))).toHaveLength(9);
  });

  it('plans each of them on an index, the agent-lost one on the expression index', () => {
    const sqlOf = (statement: string): string => (sweep as unknown as Record<string, Database.Statement>)[statement]?.source ?? '';
    for (const name of ['undeliveredBy', 'undeliveredAfter', 'undeliveredAll', 'held']) {
      const sql = sqlOf(name);
      const plan = planOf(sql, ...new Array<null>(sql.split('?').length - 1).fill(null));
      expect(plan.filter((d) => /^SCAN /.test(d) || d.includes('TEMP B-TREE')), name).toEqual([]);
    }
    expect(planOf(sqlOf('held'), 0).some((d) => d.includes('instance_runs_by_status_held_ms_timeout_s_1000') && d.includes('<expr><?'))).toBe(true);
  });

  it('reads the Pending file deliveries past the window, and an instance\'s Pending deliveries, on indexes', () => {
    expect(files.pendingUpdatedBy(at(60)).map((r) => r.instanceId)).toEqual(['mi-a']);
    expect(files.pendingUpdatedBy(at(90)).map((r) => r.instanceId)).toEqual(['mi-a', 'mi-b']);
    expect(files.pendingOnInstance('mi-b').map((r) => r.invokeId)).toEqual(['f-1']);
    expect(files.pendingOnInstance('mi-c')).toEqual([]);
    const sqlOf = (statement: string): string => (files as unknown as Record<string, Database.Statement>)[statement]?.source ?? '';
    for (const name of ['pendingSince', 'pendingOn']) {
      expect(planOf(sqlOf(name), null).filter((d) => /^SCAN /.test(d) || d.includes('TEMP B-TREE')), name).toEqual([]);
    }
  });
});
