import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandQueries } from '../../controlplane/store/command-queries.js';
import { InstanceQueries } from '../../controlplane/store/instance-queries.js';
import { InvocationQueries, type InvocationFilter, type ResultFilter } from '../../controlplane/store/invocation-queries.js';
import type { InstanceRunRecord } from '../../controlplane/store/records.js';
import { StatementCache } from '../../controlplane/store/statement-cache.js';
import { Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { plansOfStatements, walkPages } from '../support/query-plans.js';
import { commandRecord, instanceRecord, invocationRecord, runRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-queries-'));
const file = join(dir, 'state.sqlite');
const STATUSES: InstanceRunRecord['status'][] = ['Success', 'Failed', 'Running', 'Pending', 'Scheduled'];
const INVOCATIONS = 120;

let raw: Database.Database;
const used: string[] = [];
let invocations: InvocationQueries;
let commands: CommandQueries;
let instances: InstanceQueries;

beforeAll(() => {
  const store = new Store(file);
  store.transaction(() => {
    for (let i = 0; i < 4; i += 1) store.instances.add(instanceRecord(`mi-${i}`, { tags: i % 2 === 0 ? [{ key: 'even', value: 'yes' }] : [] }));
    for (let c = 0; c < 30; c += 1) store.commands.add(commandRecord(`c-${c}`, { name: c % 3 === 0 ? `deploy-${c}` : `other_${c}`, kept: c % 5 !== 4, tags: [{ key: 'n', value: String(c % 2) }] }));
    for (let n = 0; n < INVOCATIONS; n += 1) {
      const ids = ['mi-0', 'mi-1', 'mi-2'].slice(0, 1 + (n % 3));
      const repeating = n % 7 === 0;
      store.invocations.add(invocationRecord(`t-${n}`, ids, { commandId: `c-${n % 30}`, repeatMode: repeating ? 'Period' : 'Once', tags: n % 4 === 0 ? [{ key: 'env', value: 'prod' }] : [] }));
      ids.forEach((id, k) => {
        store.runs.add(runRecord(`t-${n}`, id, repeating ? 'Scheduled' : STATUSES[(n + k) % STATUSES.length] ?? 'Success', { run: repeating ? 2 : 1 }));
        if (repeating) store.runHistory.add(runRecord(`t-${n}`, id, 'Success', { run: 1 }));
      });
    }
  });
  store.close();
  raw = new Database(file, { readonly: true });
  const cache = new StatementCache(raw, (sql) => used.push(sql));
  invocations = new InvocationQueries(raw, cache);
  commands = new CommandQueries(raw, cache);
  instances = new InstanceQueries(raw, cache);
});
afterAll(() => {
  raw.close();
  removeDir(dir);
});

/** The plan of every statement a call ran: which tables are scanned without an index, what is sorted. */
function plansOf(call: () => unknown): string[] {
  used.length = 0;
  call();
  return plansOfStatements(raw, used);
}

const walk = walkPages;

const R = 'cn-hangzhou';
const invocationFilters: Array<[string, InvocationFilter]> = [
  ['none', { regionId: R, tags: [] }],
  ['InvokeId', { regionId: R, tags: [], invokeId: 't-5' }],
  ['CommandId', { regionId: R, tags: [], commandId: 'c-3' }],
  ['InstanceId', { regionId: R, tags: [], instanceId: 'mi-2' }],
  ['InvokeStatus', { regionId: R, tags: [], invokeStatus: 'Finished' }],
  ['InvokeStatus + InstanceId', { regionId: R, tags: [], invokeStatus: 'Running', instanceId: 'mi-1' }],
  ['RepeatMode', { regionId: R, tags: [], repeatMode: 'Period' }],
  ['Timed', { regionId: R, tags: [], timed: true }],
  ['Tags', { regionId: R, tags: [{ key: 'env', value: 'prod' }] }],
  ['two tags', { regionId: R, tags: [{ key: 'env', value: 'prod' }, { key: 'env', value: '' }] }],
];
const resultFilters: Array<[string, ResultFilter]> = [
  ['none', { regionId: R, tags: [], includeHistory: false }],
  ['InvokeId', { regionId: R, tags: [], includeHistory: false, invokeId: 't-8' }],
  ['InstanceId', { regionId: R, tags: [], includeHistory: false, instanceId: 'mi-1' }],
  ['CommandId', { regionId: R, tags: [], includeHistory: false, commandId: 'c-4' }],
  ['InvokeRecordStatus', { regionId: R, tags: [], includeHistory: false, recordStatus: 'Failed' }],
  ['Tags', { regionId: R, tags: [{ key: 'env', value: 'prod' }], includeHistory: false }],
  ['a tag key', { regionId: R, tags: [{ key: 'env', value: '' }], includeHistory: false }],
  ['IncludeHistory and InvokeId', { regionId: R, tags: [], includeHistory: true, invokeId: 't-8' }],
];

describe('Describe* queries in SQL', () => {
  it.each(invocationFilters)('DescribeInvocations by %s runs on indexes, without a sort, and keyset pages agree with offset pages', (_name, filter) => {
    const plans = plansOf(() => invocations.describeInvocations(filter, { offset: 0, limit: 5, countTotal: true }));
    expect(plans.filter((d) => /^SCAN (i|r|t)$/.test(d) || d.includes('TEMP B-TREE'))).toEqual([]);
    const byOffset = invocations.describeInvocations(filter, { offset: 0, limit: 1000, countTotal: true });
    const byKeyset = walk((spec) => invocations.describeInvocations(filter, spec), 7);
    expect(byKeyset.map((r) => r.invocation.invokeId)).toEqual(byOffset.items.map((r) => r.invocation.invokeId));
    expect(byOffset.total).toBe(byOffset.items.length);
    expect(byOffset.items.length).toBeGreaterThan(0);
  });

  it('DescribeInvocations\' TotalCount of the region or one tag is one counter read on its primary key, not a COUNT of the index', () => {
    const counted: InvocationFilter[] = [{ regionId: R, tags: [] }, { regionId: R, tags: [{ key: 'env', value: 'prod' }] }, { regionId: R, tags: [{ key: 'env', value: '' }] }];
    for (const filter of counted) {
      used.length = 0;
      const page = invocations.describeInvocations(filter, { offset: 0, limit: 5, countTotal: true });
      const statements = [...used];
      expect(statements.filter((sql) => sql.includes('COUNT('))).toEqual([]);
      expect(plansOfStatements(raw, statements.filter((sql) => sql.includes('row_counts')))).toEqual([
        'SEARCH row_counts USING INDEX sqlite_autoindex_row_counts_1 (tbl=? AND facet=? AND region_id=? AND kind=? AND tag_key=? AND tag_value=?)',
      ]);
      expect(page.total).toBe(walk((spec) => invocations.describeInvocations(filter, spec), 50).length);
    }
    expect(invocations.describeInvocations({ regionId: R, tags: [] }, { offset: 0, limit: 5, countTotal: true }).total).toBe(INVOCATIONS);
    // A filter no counter covers counts its index entries.
    used.length = 0;
    invocations.describeInvocations({ regionId: R, tags: [{ key: 'env', value: 'prod' }], commandId: 'c-4' }, { offset: 0, limit: 5, countTotal: true });
    expect(used.filter((sql) => sql.includes('COUNT(*)'))).toHaveLength(1);
    expect(used.filter((sql) => sql.includes('row_counts'))).toEqual([]);
  });

  it('filters DescribeInvocations as the derivations do (aggregate status, Timed, InstanceId)', () => {
    const finished = invocations.describeInvocations({ regionId: R, tags: [], invokeStatus: 'Finished' }, { offset: 0, limit: 1000, countTotal: true });
    for (const row of finished.items) expect(row.runs.every((r) => r.status === 'Success')).toBe(true);
    const timed = invocations.describeInvocations({ regionId: R, tags: [], timed: true }, { offset: 0, limit: 1000, countTotal: true });
    expect(timed.total).toBe(Math.ceil(INVOCATIONS / 7));
    const onOne = invocations.describeInvocations({ regionId: R, tags: [], instanceId: 'mi-2' }, { offset: 0, limit: 1000, countTotal: true });
    for (const row of onOne.items) expect(row.runs.map((r) => r.instanceId)).toEqual(['mi-2']);
  });

  it.each(resultFilters)('DescribeInvocationResults by %s runs on indexes, without a sort, and keyset pages agree with offset pages', (_name, filter) => {
    const plans = plansOf(() => invocations.describeInvocationResults(filter, { offset: 0, limit: 5, countTotal: true }));
    // Sorting the last term (instance order within one invocation) is bounded by that invocation's
    // runs; so is the sort of one invocation's runs and their history (IncludeHistory).
    const boundedSort = (d: string): boolean => d.includes('LAST TERM OF ORDER BY') || (filter.includeHistory && filter.invokeId !== undefined);
    expect(plans.filter((d) => /^SCAN (i|r|t)$/.test(d) || (d.includes('TEMP B-TREE') && !boundedSort(d)))).toEqual([]);
    // A filter by invocation or instance reads that one's runs, not the region's.
    // One invocation's runs: its (region_id, invoke_seq) range.
    if (filter.invokeId !== undefined) expect(plans.filter((d) => d.startsWith('SEARCH r ') && !d.includes('region_id=? AND invoke_seq=?'))).toEqual([]);
    if (filter.instanceId !== undefined) expect(plans.filter((d) => d.startsWith('SEARCH r ') && !d.includes('instance_id=?'))).toEqual([]);
    const byOffset = invocations.describeInvocationResults(filter, { offset: 0, limit: 10_000, countTotal: true });
    const byKeyset = walk((spec) => invocations.describeInvocationResults(filter, spec), 4);
    const key = (r: { run: InstanceRunRecord }): string => `${r.run.invokeId}/${r.run.instanceId}/${r.run.run}`;
    expect(byKeyset.map(key)).toEqual(byOffset.items.map(key));
    expect(byOffset.items.length).toBeGreaterThan(0);
  });

  it('DescribeInvocationResults\' TotalCount of the region\'s runs is one counter; with a filter or IncludeHistory it is counted', () => {
    used.length = 0;
    const page = invocations.describeInvocationResults({ regionId: R, tags: [], includeHistory: false }, { offset: 0, limit: 5, countTotal: true });
    expect(used.filter((sql) => sql.includes('COUNT('))).toEqual([]);
    expect(plansOfStatements(raw, used.filter((sql) => sql.includes('row_counts')))).toEqual([
      'SEARCH row_counts USING INDEX sqlite_autoindex_row_counts_1 (tbl=? AND facet=? AND region_id=? AND kind=? AND tag_key=? AND tag_value=?)',
    ]);
    expect(page.total).toBe((raw.prepare('SELECT COUNT(*) AS n FROM instance_runs').get() as { n: number }).n);
    for (const filter of [{ regionId: R, tags: [], includeHistory: true }, { regionId: R, tags: [], includeHistory: false, recordStatus: 'Failed' }, { regionId: R, tags: [{ key: 'env', value: 'prod' }], includeHistory: false }]) {
      used.length = 0;
      invocations.describeInvocationResults(filter, { offset: 0, limit: 5, countTotal: true });
      expect(used.filter((sql) => sql.includes('COUNT(*)'))).toHaveLength(1);
    }
  });

  it('pages IncludeHistory results by keyset too: the finished runs and the one in progress, newest first', () => {
    const filter: ResultFilter = { regionId: R, tags: [], includeHistory: true, instanceId: 'mi-0' };
    const all = invocations.describeInvocationResults(filter, { offset: 0, limit: 10_000, countTotal: true });
    const byKeyset = walk((spec) => invocations.describeInvocationResults(filter, spec), 3);
    expect(byKeyset.map((r) => `${r.run.invokeId}/${r.run.run}`)).toEqual(all.items.map((r) => `${r.run.invokeId}/${r.run.run}`));
    expect(all.items.slice(0, 3).map((r) => `${r.run.invokeId}/${r.run.run}/${r.run.status}`)).toEqual(['t-119/2/Scheduled', 't-119/1/Success', 't-118/1/Pending']);
    const periodic = all.items.filter((r) => r.run.invokeId === 't-112').map((r) => `${r.run.run}/${r.run.status}`);
    expect(periodic).toEqual(['2/Scheduled', '1/Success']);
  });

  it('DescribeCommands filters kept commands by name wildcard and tags on indexes', () => {
    const plans = plansOf(() => commands.describeCommands({ regionId: R, tags: [{ key: 'n', value: '1' }], name: 'deploy-*' }, { offset: 0, limit: 5, countTotal: true }));
    expect(plans.filter((d) => /^SCAN commands$/.test(d) || d.includes('TEMP B-TREE'))).toEqual([]);
    const found = commands.describeCommands({ regionId: R, tags: [{ key: 'n', value: '1' }], name: 'deploy-*' }, { offset: 0, limit: 100, countTotal: true });
    expect(found.items.map((c) => c.commandId)).toEqual(['c-27', 'c-21', 'c-15', 'c-3']);
    expect(commands.describeCommands({ regionId: R, tags: [], name: 'other*1' }, { offset: 0, limit: 100, countTotal: true }).items.map((c) => c.commandId)).toEqual(['c-11', 'c-1']);
    // `_` and `%` are not wildcards: "deploy_*" would match every "deploy-N" if they were.
    expect(commands.describeCommands({ regionId: R, tags: [], name: 'deploy_*' }, { offset: 0, limit: 100, countTotal: true }).items).toEqual([]);
    expect(commands.describeCommands({ regionId: R, tags: [], name: 'deploy%' }, { offset: 0, limit: 100, countTotal: true }).items).toEqual([]);
    // Case-sensitive, like the wildcard match it replaces.
    expect(commands.describeCommands({ regionId: R, tags: [], name: 'DEPLOY-*' }, { offset: 0, limit: 100, countTotal: true }).items).toEqual([]);
  });

  it('lists registered instances by region on an index and counts their runs from the index', () => {
    const plans = plansOf(() => instances.list({ regionId: R }, { offset: 0, limit: 2, countTotal: true }));
    expect(plans.filter((d) => /^SCAN instances$/.test(d) || d.includes('TEMP B-TREE'))).toEqual([]);
    expect(walk((spec) => instances.list({ regionId: R }, spec), 3).map((i) => i.instanceId)).toEqual(['mi-3', 'mi-2', 'mi-1', 'mi-0']);
    // mi-2 is the third target of every third invocation (see beforeAll).
    const statuses: string[] = [];
    for (let n = 2; n < INVOCATIONS; n += 3) statuses.push(n % 7 === 0 ? 'Scheduled' : STATUSES[(n + 2) % STATUSES.length] ?? 'Success');
    const mi2 = instanceRecord('mi-2', { purgedInvocationCount: 7, purgedLastInvokedTime: '2026-10-01T00:00:00Z' });
    const statsPlans = plansOf(() => instances.runStats(mi2));
    expect(instances.runStats(mi2)).toEqual({
      invocationCount: 7 + INVOCATIONS / 3,
      lastInvokedTime: '2026-11-01T00:00:00Z',
      running: statuses.filter((s) => s === 'Running').length,
      finished: 7 + statuses.filter((s) => ['Success', 'Failed'].includes(s)).length,
    });
    // An instance's counts read its index entries and its live runs, never the table or its history.
    expect(statsPlans.filter((d) => /^SCAN/.test(d) || d.includes('TEMP B-TREE'))).toEqual([]);
    expect(statsPlans.some((d) => d.includes('instance_runs_by_instance_id_where_'))).toBe(true);
    // With no run kept, what the purge left in the document.
    expect(instances.runStats(instanceRecord('mi-3', { purgedInvocationCount: 2, purgedLastInvokedTime: '2026-10-01T00:00:00Z' }))).toEqual({
      invocationCount: 2, lastInvokedTime: '2026-10-01T00:00:00Z', running: 0, finished: 2,
    });
  });
});
