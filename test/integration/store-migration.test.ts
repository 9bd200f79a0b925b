import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PageSpec } from '../../controlplane/store/page.js';
import { RETIRED_RUN_INDEXES, SCHEMA_VERSION, Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { recountedCounts, storedCounts } from '../support/row-counts.js';
import { activationRecord, commandRecord, deliveryRecord, fileRecord, instanceRecord, invocationRecord, runRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-migrate-'));
afterAll(() => removeDir(dir));

const ALL: PageSpec = { offset: 0, limit: 100, countTotal: true };
/** The DDL of every table before issue 10 (documents with a label), as Collection created it. */
const OLD_TABLES = ['commands', 'invocations', 'instance_runs', 'run_history', 'instances', 'activations', 'client_tokens', 'file_invocations', 'file_deliveries'];

/** An instance document as schema ≤ 5 kept it: InvocationCount and LastInvokedTime in the row. */
function oldInstance(instanceId: string, overrides: Parameters<typeof instanceRecord>[1], invocationCount = 0, lastInvokedTime = ''): object {
  const { purgedInvocationCount: _count, purgedLastInvokedTime: _time, ...rest } = instanceRecord(instanceId, overrides);
  return { ...rest, lastHeartbeatTime: '2026-11-01T00:05:00Z', invocationCount, lastInvokedTime };
}

function writeOldDataDir(file: string): void {
  const db = new Database(file);
  for (const table of OLD_TABLES) {
    db.exec(`CREATE TABLE ${table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, label TEXT NOT NULL DEFAULT '')`);
    db.exec(`CREATE INDEX ${table}_label ON ${table} (label)`);
  }
  const put = (table: string, id: string, doc: unknown, label = ''): void => {
    db.prepare(`INSERT INTO ${table} (id, doc, label) VALUES (?, ?, ?)`).run(id, JSON.stringify(doc), label);
  };
  put('commands', 'c-1', commandRecord('c-1', { name: 'deploy-web', tags: [{ key: 'team', value: 'a' }] }), 'cn-hangzhou/kept');
  put('commands', 'c-2', commandRecord('c-2', { kept: false }), 'cn-hangzhou/run-only');
  // mi-1 was invoked 5 times, of which 2 runs are kept (3 were purged); mi-2 once, kept.
  put('instances', 'mi-1', oldInstance('mi-1', { activationId: 'a-2', tags: [{ key: 'env', value: 'prod' }] }, 5, '2026-11-01T00:00:00Z'));
  put('instances', 'mi-2', oldInstance('mi-2', { name: 'web', resourceGroupId: 'rg-web' }, 1, '2026-11-01T00:00:00Z'));
  put('instances', 'mi-3', oldInstance('mi-3', { deregistered: true, activationId: 'a-3' }));
  // Written before lifecycle support and resource groups: Running, in the default group.
  const { status: _status, ...legacy } = oldInstance('i-4', { kind: 'ecs', tags: [{ key: 'env', value: 'prod' }] }) as ReturnType<typeof instanceRecord>;
  put('instances', 'i-4', legacy);
  put('invocations', 't-1', invocationRecord('t-1', ['mi-1', 'mi-2'], { tags: [{ key: 'env', value: 'prod' }] }), 'cn-hangzhou/2026-11-01');
  put('instance_runs', 't-1/mi-1', runRecord('t-1', 'mi-1', 'Success'), 'Success');
  put('instance_runs', 't-1/mi-2', runRecord('t-1', 'mi-2', 'Failed'), 'Failed');
  put('invocations', 't-2', invocationRecord('t-2', ['mi-1'], { repeatMode: 'Period', frequency: 'rate(5m)', commandId: 'c-2' }), 'cn-hangzhou/2026-11-01');
  put('instance_runs', 't-2/mi-1', runRecord('t-2', 'mi-1', 'Scheduled', { run: 2 }), 'Scheduled');
  put('run_history', 't-2/mi-1/1', runRecord('t-2', 'mi-1', 'Success', { run: 1 }));
  put('invocations', 't-3', invocationRecord('t-3', ['mi-9'], { regionId: 'cn-beijing', timeout: 30 }), 'cn-beijing/2026-11-01');
  put('instance_runs', 't-3/mi-9', runRecord('t-3', 'mi-9', 'Running', { startTime: '2026-11-01T00:00:10Z', deliveredTime: '2026-11-01T00:00:05Z' }), 'Running');
  put('activations', 'a-1', { activationId: 'a-1' });
  put('activations', 'a-2', activationRecord('a-2', { instanceName: 'edge', tags: [{ key: 'team', value: 'b' }], resourceGroupId: 'rg-act' }));
  put('file_invocations', 'f-1', fileRecord('f-1', ['mi-1', 'mi-2'], { name: 'motd', tags: [{ key: 'env', value: 'prod' }] }));
  put('file_deliveries', 'f-1/mi-1', deliveryRecord('f-1', 'mi-1', 'Success'), 'Success');
  put('file_deliveries', 'f-1/mi-2', deliveryRecord('f-1', 'mi-2', 'Failed'), 'Failed');
  put('file_invocations', 'f-2', fileRecord('f-2', ['mi-2']));
  put('file_deliveries', 'f-2/mi-2', deliveryRecord('f-2', 'mi-2', 'Pending'), 'Pending');
  put('client_tokens', 'k|RunCommand|x', { key: 'k|RunCommand|x', fingerprint: 'f', body: { InvokeId: 't-1' }, creationTime: '2026-11-01T00:00:00Z' });
  db.close();
}

describe('Store migration from the document schema (seq, id, doc, label)', () => {
  it('reads every record of an old data dir back, through the new columns and indexes', () => {
    const file = join(dir, 'old.sqlite');
    writeOldDataDir(file);
    const store = new Store(file);
    // Documents, by key and in full.
    expect(store.commands.get('c-1')?.name).toBe('deploy-web');
    expect(store.invocations.all().map((i) => i.invokeId)).toEqual(['t-3', 't-2', 't-1']);
    expect(store.runsOf({ invokeId: 't-1' }).map((r) => r.status)).toEqual(['Success', 'Failed']);
    expect(store.historyOf('t-2', 'mi-1').map((r) => r.run)).toEqual([1]);
    expect(store.activations.get('a-1')).toEqual({ activationId: 'a-1' });
    expect(store.clientTokens.get('k|RunCommand|x')?.body).toEqual({ InvokeId: 't-1' });
    // Derived columns: aggregate status, Timed, instance, tags, command.
    const q = store.invocationQueries;
    const ids = (filter: Parameters<typeof q.describeInvocations>[0]): string[] => q.describeInvocations(filter, ALL).items.map((r) => r.invocation.invokeId);
    expect(ids({ regionId: 'cn-hangzhou', tags: [], invokeStatus: 'PartialFailed' })).toEqual(['t-1']);
    expect(ids({ regionId: 'cn-hangzhou', tags: [], invokeStatus: 'Scheduled' })).toEqual(['t-2']);
    expect(ids({ regionId: 'cn-hangzhou', tags: [], timed: true })).toEqual(['t-2']);
    expect(ids({ regionId: 'cn-hangzhou', tags: [], instanceId: 'mi-2' })).toEqual(['t-1']);
    expect(ids({ regionId: 'cn-hangzhou', tags: [{ key: 'env', value: '' }] })).toEqual(['t-1']);
    expect(ids({ regionId: 'cn-hangzhou', tags: [], commandId: 'c-2' })).toEqual(['t-2']);
    const results = q.describeInvocationResults({ regionId: 'cn-hangzhou', tags: [], includeHistory: true }, ALL);
    expect(results.items.map((r) => `${r.run.invokeId}/${r.run.instanceId}/${r.run.run}/${r.run.status}`)).toEqual([
      't-2/mi-1/2/Scheduled', 't-2/mi-1/1/Success', 't-1/mi-1/1/Success', 't-1/mi-2/1/Failed',
    ]);
    expect(results.total).toBe(4);
    expect(store.commandQueries.describeCommands({ regionId: 'cn-hangzhou', name: 'deploy-*', tags: [{ key: 'team', value: 'a' }] }, ALL).items.map((c) => c.commandId)).toEqual(['c-1']);
    expect(store.instanceQueries.list({ regionId: 'cn-hangzhou' }, ALL).items.map((i) => i.instanceId)).toEqual(['i-4', 'mi-2', 'mi-1']);
    // The listing columns of schema 4: instances, activations, SendFiles and their tags.
    const managed = (extra: object): string[] =>
      store.instanceQueries.registered({ regionId: 'cn-hangzhou', kind: 'managed', tags: [], ...extra }, ALL).items.map((i) => i.instanceId);
    expect(managed({})).toEqual(['mi-2', 'mi-1']);
    expect(managed({ name: 'web' })).toEqual(['mi-2']);
    expect(managed({ activationId: 'a-2' })).toEqual(['mi-1']);
    expect(managed({ resourceGroupId: 'rg-default' })).toEqual(['mi-1']);
    expect(managed({ tags: [{ key: 'env', value: 'prod' }] })).toEqual(['mi-1']);
    expect(store.instanceQueries.registered({ regionId: 'cn-hangzhou', kind: 'ecs', tags: [], status: 'Running', resourceGroupId: 'rg-default' }, ALL).items.map((i) => i.instanceId)).toEqual(['i-4']);
    expect(store.instanceQueries.runningWithTags('cn-hangzhou', [{ key: 'env', value: 'prod' }], undefined, 10)).toEqual(['i-4', 'mi-1']);
    expect(store.instanceQueries.activationInUse('a-2')).toBe(true);
    expect(store.instanceQueries.activationInUse('a-3')).toBe(false);
    expect(store.instanceQueries.groupInUse('rg-web')).toBe(true);
    expect(store.activationQueries.groupInUse('rg-act')).toBe(true);
    const acts = (filter: Partial<Parameters<typeof store.activationQueries.describeActivations>[0]>): string[] =>
      store.activationQueries.describeActivations({ regionId: 'cn-hangzhou', tags: [], ...filter }, ALL).items.map((a) => a.activationId);
    expect(acts({ instanceName: 'edge' })).toEqual(['a-2']);
    expect(acts({ tags: [{ key: 'team', value: 'b' }] })).toEqual(['a-2']);
    expect(store.activationQueries.liveCount('cn-hangzhou', Date.parse('2026-11-01T01:00:00Z'))).toBe(1);
    const sent = (filter: Partial<Parameters<typeof store.fileQueries.describeSendFileResults>[0]>): string[] =>
      store.fileQueries.describeSendFileResults({ regionId: 'cn-hangzhou', tags: [], ...filter }, ALL).items.map((r) => `${r.invocation.invokeId}:${r.deliveries.map((d) => d.status).join(',')}`);
    expect(sent({})).toEqual(['f-2:Pending', 'f-1:Success,Failed']);
    expect(sent({ status: 'PartialFailed' })).toEqual(['f-1:Success,Failed']);
    expect(sent({ status: 'Pending' })).toEqual(['f-2:Pending']);
    expect(sent({ instanceId: 'mi-2' })).toEqual(['f-2:Pending', 'f-1:Failed']);
    expect(sent({ name: 'motd', tags: [{ key: 'env', value: 'prod' }] })).toEqual(['f-1:Success,Failed']);
    // The sweepers' columns: undelivered runs and files by update time, held runs by held + Timeout.
    expect(store.sweepQueries.undelivered('all')).toEqual([]);
    expect(store.sweepQueries.heldPast(Date.parse('2026-11-01T00:00:39Z')).map((r) => r.invokeId)).toEqual([]);
    expect(store.sweepQueries.heldPast(Date.parse('2026-11-01T00:00:40Z')).map((r) => r.invokeId)).toEqual(['t-3']);
    expect(store.fileQueries.pendingUpdatedBy('2026-11-01T00:01:00Z').map((r) => `${r.invokeId}/${r.instanceId}`)).toEqual(['f-2/mi-2']);
    expect(store.fileQueries.pendingOnInstance('mi-2').map((r) => r.invokeId)).toEqual(['f-2']);
    // Schema 6: InvocationCount and LastInvokedTime from the runs, the document keeping what is not among them.
    const mi1 = store.instances.get('mi-1')!;
    expect(mi1).toMatchObject({ purgedInvocationCount: 3, purgedLastInvokedTime: '2026-11-01T00:00:00Z' });
    expect(mi1).not.toHaveProperty('invocationCount');
    expect(mi1).not.toHaveProperty('lastHeartbeatTime');
    expect(store.presence.lastHeartbeat('mi-1')).toBe('2026-11-01T00:05:00Z');
    expect(store.instanceQueries.runStats(mi1)).toEqual({ invocationCount: 5, lastInvokedTime: '2026-11-01T00:00:00Z', running: 0, finished: 4 });
    expect(store.instanceQueries.runStats(store.instances.get('mi-2')!)).toEqual({ invocationCount: 1, lastInvokedTime: '2026-11-01T00:00:00Z', running: 0, finished: 1 });
    expect(store.runsOn('mi-1', ['Scheduled']).map((r) => r.invokeId)).toEqual(['t-2']);
    expect(store.commands.countWithLabel('cn-hangzhou/kept')).toBe(1);
    // The TotalCount counters of schema 6, counted from the rows (a-1, of no region, counts nowhere).
    const counts = new Database(file, { readonly: true });
    expect(storedCounts(counts)).toEqual(recountedCounts(counts));
    counts.close();
    expect(store.invocationQueries.describeInvocations({ regionId: 'cn-hangzhou', tags: [] }, ALL).total).toBe(2);
    expect(store.invocationQueries.describeInvocations({ regionId: 'cn-hangzhou', tags: [{ key: 'env', value: 'prod' }] }, ALL).total).toBe(1);
    expect(store.instanceQueries.registered({ regionId: 'cn-hangzhou', kind: 'managed', tags: [] }, ALL).total).toBe(2);
    expect(store.instanceQueries.registered({ regionId: 'cn-hangzhou', kind: 'ecs', tags: [{ key: 'env', value: '' }] }, ALL).total).toBe(1);
    expect(store.activationQueries.describeActivations({ regionId: 'cn-hangzhou', tags: [] }, ALL).total).toBe(1);
    expect(store.fileQueries.describeSendFileResults({ regionId: 'cn-hangzhou', tags: [] }, ALL).total).toBe(2);
    expect(store.invocationQueries.describeInvocationResults({ regionId: 'cn-hangzhou', tags: [], includeHistory: false }, ALL).total).toBe(3);
    expect(store.instanceQueries.registered({ regionId: 'cn-hangzhou', kind: 'managed', tags: [], connected: false }, ALL).total).toBe(2);
    store.close();
    // Opened again: nothing to migrate, the same answers.
    const again = new Store(file);
    expect(again.invocationQueries.describeInvocations({ regionId: 'cn-hangzhou', tags: [], invokeStatus: 'PartialFailed' }, ALL).total).toBe(1);
    again.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('counts the rows of a schema 5 data dir (before the counters) once, and keeps them from then on', () => {
    const file = join(dir, 'schema5.sqlite');
    const before = new Store(file);
    before.transaction(() => {
      for (let n = 0; n < 12; n += 1) {
        before.instances.add(instanceRecord(`mi-${n}`, { regionId: n % 3 === 0 ? 'cn-beijing' : 'cn-hangzhou', tags: n % 2 === 0 ? [{ key: 'env', value: 'prod' }] : [], deregistered: n === 5 }));
        before.invocations.add(invocationRecord(`t-${n}`, [`mi-${n}`], { tags: n % 4 === 0 ? [{ key: 'team', value: 'a' }] : [] }));
        before.runs.add(runRecord(`t-${n}`, `mi-${n}`, 'Success'));
      }
      // Left connected by a crash: counted at the migration, then reset.
      before.presence.set('mi-1', true);
      before.invocations.add(invocationRecord('t-live', ['mi-0']));
      before.runs.add(runRecord('t-live', 'mi-0', 'Running'));
    });
    before.close();
    // What schema 5 had: no counters, no triggers, no runs' `live` (a column added empty).
    const old = new Database(file);
    old.exec('UPDATE instance_runs SET live = NULL');
    for (const { name } of old.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>) old.exec(`DROP TRIGGER ${name}`);
    old.exec('DROP TABLE row_counts');
    old.pragma('user_version = 5');
    old.close();

    const store = new Store(file);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(storedCounts(raw)).toEqual(recountedCounts(raw));
      expect(storedCounts(raw)).toMatchObject({ 'instances|rows|cn-hangzhou|managed||': 7, 'instances|tag|cn-hangzhou|managed|env|prod': 4, 'invocations|tag|cn-hangzhou||team|a': 3, 'instance_runs|rows|cn-hangzhou|||': 13 });
      expect(storedCounts(raw)['instances|connected|cn-hangzhou|managed||']).toBeUndefined();
      // The runs' `live` is derived at the migration: the live run is on the instance's index of them.
      expect(store.runsOn('mi-0', ['Running']).map((r) => r.invokeId)).toEqual(['t-live']);
      expect(store.instanceQueries.registered({ regionId: 'cn-hangzhou', kind: 'managed', tags: [{ key: 'env', value: 'prod' }] }, ALL).total).toBe(4);
      // The triggers count what is written after the migration.
      store.instances.add(instanceRecord('mi-new', { tags: [{ key: 'env', value: 'prod' }] }));
      store.instances.put({ ...store.instances.get('mi-1')!, deregistered: true });
      expect(storedCounts(raw)).toEqual(recountedCounts(raw));
      expect(store.instanceQueries.registered({ regionId: 'cn-hangzhou', kind: 'managed', tags: [] }, ALL).total).toBe(7);
    } finally {
      raw.close();
      store.close();
    }
  });

  it('drops the run indexes by invoke_id of a schema 7 data dir; an invocation\'s runs are still listed, paged and purged', () => {
    const file = join(dir, 'schema7.sqlite');
    const before = new Store(file);
    before.transaction(() => {
      for (const n of [1, 2]) {
        before.invocations.add(invocationRecord(`t-${n}`, ['mi-1', 'mi-2', 'mi-3'], { creationTime: `2026-11-0${n}T00:00:00Z` }));
        for (const instanceId of ['mi-1', 'mi-2', 'mi-3']) before.runs.add(runRecord(`t-${n}`, instanceId, 'Success'));
      }
    });
    before.close();
    const old = new Database(file);
    old.exec('CREATE INDEX instance_runs_by_invoke_id_seq ON instance_runs (invoke_id, seq)');
    old.exec('CREATE INDEX instance_runs_by_region_id_invoke_id_seq ON instance_runs (region_id, invoke_id, seq)');
    old.pragma('user_version = 7');
    old.close();

    const store = new Store(file);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const indexes = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instance_runs'").all() as Array<{ name: string }>).map((r) => r.name);
      expect(indexes.filter((name) => RETIRED_RUN_INDEXES.includes(name))).toEqual([]);
      expect(indexes.length).toBeGreaterThan(5);
      const results = store.invocationQueries.describeInvocationResults({ regionId: 'cn-hangzhou', tags: [], includeHistory: false, invokeId: 't-2' }, ALL);
      expect(results.items.map((r) => r.run.instanceId)).toEqual(['mi-1', 'mi-2', 'mi-3']);
      expect(results.total).toBe(3);
      expect(store.invocationQueries.describeInvocationResults({ regionId: 'cn-beijing', tags: [], includeHistory: false, invokeId: 't-2' }, ALL).items).toEqual([]);
      expect(store.invocationQueries.describeInvocations({ regionId: 'cn-hangzhou', tags: [], invokeId: 't-1' }, ALL).items[0]!.runs).toHaveLength(3);
      // Retention deletes an invocation's runs by the same lookup, before the invocation row.
      expect(store.retention.purgeBefore('2026-11-01T12:00:00Z')).toMatchObject({ invocations: 1, runs: 3 });
      expect((raw.prepare("SELECT COUNT(*) AS n FROM instance_runs WHERE invoke_id = 't-1'").get() as { n: number }).n).toBe(0);
      expect(store.invocationQueries.describeInvocationResults({ regionId: 'cn-hangzhou', tags: [], includeHistory: false }, ALL).total).toBe(3);
    } finally {
      raw.close();
      store.close();
    }
  });
});
