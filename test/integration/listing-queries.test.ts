import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceSelector } from '../../controlplane/domain/instance-selector.js';
import type { Tag } from '../../controlplane/domain/tag.js';
import { fileAggregateStatus } from '../../controlplane/files/file-aggregate-status.js';
import { resourceGroupOf } from '../../controlplane/instances/resource-groups.js';
import { ActivationQueries, type ActivationFilter } from '../../controlplane/store/activation-queries.js';
import { FileQueries, type SendFileFilter } from '../../controlplane/store/file-queries.js';
import { InstanceQueries, type RegisteredFilter } from '../../controlplane/store/instance-queries.js';
import type { PageSpec, StorePage } from '../../controlplane/store/page.js';
import type { ActivationRecord, FileDeliveryRecord, FileInstanceStatus, FileInvocationRecord, InstanceRecord } from '../../controlplane/store/records.js';
import { StatementCache } from '../../controlplane/store/statement-cache.js';
import { Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { plansOfStatements, walkPages } from '../support/query-plans.js';
import { instanceRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-listing-'));
const file = join(dir, 'state.sqlite');
const R = 'cn-hangzhou';
/** Instances whose agent is connected (the `connected` column); mi-34 is in another region. */
const ONLINE = new Set(['mi-1', 'mi-4', 'mi-10', 'mi-11', 'mi-22', 'mi-34', 'mi-58']);
const DELIVERY: FileInstanceStatus[] = ['Success', 'Failed', 'Pending', 'Running', 'Aborted', 'Success', 'Timeout'];

/** The records as written (newest last), for the reference answers the queries must give. */
const instances: InstanceRecord[] = [];
const activations: ActivationRecord[] = [];
const files: FileInvocationRecord[] = [];
const deliveries: FileDeliveryRecord[] = [];

function instance(n: number): InstanceRecord {
  const kind = n % 3 === 0 ? 'ecs' : 'managed';
  const tags: Tag[] = [{ key: 'env', value: n % 2 === 0 ? 'prod' : 'dev' }];
  if (n % 3 === 1) tags.push({ key: 'team', value: 'a' });
  return instanceRecord(kind === 'ecs' ? `i-${n}` : `mi-${n}`, {
    kind,
    regionId: n % 7 === 6 ? 'cn-beijing' : R,
    name: `web-${n % 5}`,
    activationId: kind === 'managed' ? `a-${n % 4}` : '',
    resourceGroupId: n % 2 === 0 ? 'rg-web' : '',
    // Records from before lifecycle support have no status (Running).
    ...(n % 6 === 0 ? { status: 'Stopped' as const } : n % 4 === 0 ? { status: undefined } : {}),
    tags,
    deregistered: n % 10 === 9,
  });
}

function activation(n: number): ActivationRecord {
  return {
    activationId: `a-${n}`, regionId: n % 5 === 4 ? 'cn-beijing' : R, codeHash: '00', description: '', instanceName: `act-${n % 3}`, instanceCount: 10,
    registeredCount: 0, deregisteredCount: 0, ipAddressRange: '0.0.0.0/0', timeToLiveInHours: 1 + (n % 4), disabled: false,
    creationTime: `2026-11-01T0${n % 10}:00:00Z`, resourceGroupId: n % 2 === 0 ? 'rg-act' : '', tags: n % 3 === 0 ? [{ key: 'team', value: 'x' }] : [],
  };
}

function sendFile(n: number): FileInvocationRecord {
  return {
    invokeId: `f-${n}`, regionId: n % 9 === 8 ? 'cn-beijing' : R, name: `file-${n % 4}`, description: '', content: 'hi', contentType: 'PlainText', fileOwner: 'root',
    fileGroup: 'root', fileMode: '0644', targetDir: '/tmp', overwrite: false, timeout: 60, creationTime: '2026-11-01T00:00:00Z',
    resourceGroupId: n % 2 === 0 ? 'rg-files' : '', tags: n % 3 === 0 ? [{ key: 'env', value: 'prod' }] : [], instanceIds: n % 2 === 0 ? ['mi-1', 'mi-2'] : ['mi-1'],
  };
}

let raw: Database.Database;
const used: string[] = [];
let instanceQueries: InstanceQueries;
let activationQueries: ActivationQueries;
let fileQueries: FileQueries;

beforeAll(() => {
  const store = new Store(file);
  store.transaction(() => {
    for (let n = 0; n < 60; n += 1) {
      const record = instance(n);
      instances.push(record);
      store.instances.add(record);
    }
    for (let n = 0; n < 12; n += 1) {
      const record = activation(n);
      activations.push(record);
      store.activations.add(record);
    }
    for (const id of ONLINE) store.presence.set(id, true);
    for (let n = 0; n < 40; n += 1) {
      const record = sendFile(n);
      files.push(record);
      store.fileInvocations.add(record);
      record.instanceIds.forEach((instanceId, k) => {
        const row: FileDeliveryRecord = {
          invokeId: record.invokeId, instanceId, status: 'Pending', errorCode: '', errorInfo: '', creationTime: record.creationTime,
          startTime: '', finishTime: '', updateTime: record.creationTime,
        };
        store.fileDeliveries.add(row);
        // Settled afterwards, as the service does: the aggregate column follows each change.
        const settled = { ...row, status: DELIVERY[(n + k) % DELIVERY.length] ?? 'Success' };
        store.fileDeliveries.put(settled);
        deliveries.push(settled);
      });
    }
  });
  store.close();
  raw = new Database(file, { readonly: true });
  const cache = new StatementCache(raw, (sql) => used.push(sql));
  instanceQueries = new InstanceQueries(raw, cache);
  activationQueries = new ActivationQueries(raw, cache);
  fileQueries = new FileQueries(raw, cache);
});
afterAll(() => {
  raw.close();
  removeDir(dir);
});

/** The plan of every statement a call ran. */
function plansOf(call: () => unknown): string[] {
  used.length = 0;
  call();
  return plansOfStatements(raw, used);
}

/** What a plan must not do: walk a table (or a whole index), or sort what it read. */
const badSteps = (plans: string[]): string[] => plans.filter((d) => /^SCAN /.test(d) || d.includes('TEMP B-TREE'));

const walk = walkPages;

const ALL: PageSpec = { offset: 0, limit: 1000, countTotal: true };
const hasTags = (have: readonly Tag[], wanted: readonly Tag[]): boolean => wanted.every((w) => have.some((h) => h.key === w.key && (w.value === '' || h.value === w.value)));
const newestFirst = <T>(records: readonly T[]): T[] => [...records].reverse();

/** Whether an instance is in a selector (what an agent-offline fault hides), as fault-rules.ts matches it. */
function selects(selector: InstanceSelector, i: InstanceRecord): boolean {
  if (selector.exceptIds?.includes(i.instanceId)) return false;
  if (selector.instanceIds !== undefined && !selector.instanceIds.includes(i.instanceId)) return false;
  const tag = selector.tag;
  return tag === undefined || i.tags.some((t) => t.key === tag.key && (tag.value === undefined || t.value === tag.value));
}

/** DescribeManagedInstances / DescribeInstances as the handlers filtered the registry's list. */
function expectedInstances(f: RegisteredFilter): string[] {
  return newestFirst(instances)
    .filter((i) => !i.deregistered && i.kind === f.kind && i.regionId === f.regionId)
    .filter((i) => f.instanceIds === undefined || f.instanceIds.includes(i.instanceId))
    .filter((i) => f.name === undefined || i.name === f.name)
    .filter((i) => f.activationId === undefined || i.activationId === f.activationId)
    .filter((i) => f.osType === undefined || i.osType.toLowerCase() === f.osType.toLowerCase())
    .filter((i) => f.resourceGroupId === undefined || resourceGroupOf(i) === f.resourceGroupId)
    .filter((i) => f.status === undefined || (i.status ?? 'Running') === f.status)
    .filter((i) => hasTags(i.tags, f.tags))
    .filter((i) => f.connected === undefined || (ONLINE.has(i.instanceId) && !(f.offline ?? []).some((s) => selects(s, i))) === f.connected)
    .filter((i) => f.keep === undefined || f.keep(i.instanceId))
    .map((i) => i.instanceId);
}

const managed = (extra: Partial<RegisteredFilter>): RegisteredFilter => ({ regionId: R, kind: 'managed', tags: [], ...extra });
const ecs = (extra: Partial<RegisteredFilter>): RegisteredFilter => ({ regionId: R, kind: 'ecs', tags: [], ...extra });

const instanceFilters: Array<[string, RegisteredFilter]> = [
  ['managed, no filter', managed({})],
  ['managed InstanceName', managed({ name: 'web-2' })],
  ['managed ActivationId', managed({ activationId: 'a-1' })],
  ['managed OsType (any case)', managed({ osType: 'LINUX' })],
  ['managed ResourceGroupId', managed({ resourceGroupId: 'rg-web' })],
  ['managed default ResourceGroupId', managed({ resourceGroupId: 'rg-default' })],
  ['managed Tag', managed({ tags: [{ key: 'env', value: 'prod' }] })],
  ['managed Tag key only', managed({ tags: [{ key: 'team', value: '' }] })],
  ['managed two tags', managed({ tags: [{ key: 'team', value: 'a' }, { key: 'env', value: 'dev' }] })],
  ['managed Tag + ActivationId', managed({ tags: [{ key: 'env', value: 'prod' }], activationId: 'a-2' })],
  ['managed Connected=true', managed({ connected: true })],
  ['managed Connected=false', managed({ connected: false })],
  ['managed Connected=false + InstanceName', managed({ connected: false, name: 'web-1' })],
  ['managed Connected=true + Tag', managed({ connected: true, tags: [{ key: 'env', value: 'prod' }] })],
  // While agent-offline faults are in force: the column, and what the faults hide counts as offline.
  ['managed Connected=true, a fault hiding a tag', managed({ connected: true, offline: [{ tag: { key: 'team', value: 'a' } }] })],
  ['managed Connected=false, faults hiding IDs and a tag key', managed({ connected: false, offline: [{ instanceIds: ['mi-4', 'mi-22'] }, { tag: { key: 'team' }, exceptIds: ['mi-1'] }] })],
  ['managed Connected=true + Tag, a fault hiding all but one', managed({ connected: true, tags: [{ key: 'env', value: 'prod' }], offline: [{ exceptIds: ['mi-22'] }] })],
  ['managed Connected=false + InstanceName, a fault hiding every instance', managed({ connected: false, name: 'web-1', offline: [{}] })],
  ['ecs, no filter', ecs({})],
  ['ecs InstanceName', ecs({ name: 'web-3' })],
  ['ecs Status=Running (absent counts)', ecs({ status: 'Running' })],
  ['ecs Status=Stopped', ecs({ status: 'Stopped' })],
  ['ecs ResourceGroupId', ecs({ resourceGroupId: 'rg-web' })],
];

/** InstanceId.N: a few primary-key lookups; sorting those (at most 50 / 100) is the one sort allowed. */
const byIdFilters: Array<[string, RegisteredFilter]> = [
  ['managed InstanceId.N', managed({ instanceIds: ['mi-1', 'mi-2', 'mi-5', 'mi-19', 'mi-40', 'i-3', 'mi-404'] })],
  ['managed InstanceId.N + Tag', managed({ instanceIds: ['mi-1', 'mi-2', 'mi-4', 'mi-8'], tags: [{ key: 'env', value: 'prod' }] })],
  ['ecs InstanceIds', ecs({ instanceIds: ['i-3', 'i-6', 'i-12', 'mi-1'] })],
  ['ecs InstanceIds []', ecs({ instanceIds: [] })],
];

describe('instance listings in SQL', () => {
  it.each(instanceFilters)('%s runs on an index, without a sort, agrees with the registry filter, and keyset pages agree with offset pages', (_name, filter) => {
    expect(badSteps(plansOf(() => instanceQueries.registered(filter, { offset: 0, limit: 3, countTotal: true })))).toEqual([]);
    expect(badSteps(plansOf(() => instanceQueries.registered(filter, { offset: 0, limit: 3, countTotal: false, after: [30] })))).toEqual([]);
    const expected = expectedInstances(filter);
    expect(expected.length).toBeGreaterThan(0);
    const byOffset = instanceQueries.registered(filter, ALL);
    expect(byOffset.items.map((i) => i.instanceId)).toEqual(expected);
    expect(byOffset.total).toBe(expected.length);
    expect(walk((spec) => instanceQueries.registered(filter, spec), 2).map((i) => i.instanceId)).toEqual(expected);
    const second = instanceQueries.registered(filter, { offset: 1, limit: 1, countTotal: true });
    expect(second.items.map((i) => i.instanceId)).toEqual(expected.slice(1, 2));
  });

  it('TotalCount of the region and kind, or one tag besides, is one counter read on its primary key, not a COUNT of the index', () => {
    const counted: RegisteredFilter[] = [managed({}), ecs({}), managed({ tags: [{ key: 'env', value: 'prod' }] }), ecs({ tags: [{ key: 'env', value: '' }] }), managed({ tags: [{ key: 'team', value: '' }] })];
    const listings: Array<[string, (spec: PageSpec) => StorePage<unknown>]> = [
      ...counted.map((filter): [string, (spec: PageSpec) => StorePage<unknown>] => [JSON.stringify(filter), (spec) => instanceQueries.registered(filter, spec)]),
      ['activations', (spec) => activationQueries.describeActivations({ regionId: R, tags: [] }, spec)],
      ['activations Tag', (spec) => activationQueries.describeActivations({ regionId: R, tags: [{ key: 'team', value: 'x' }] }, spec)],
      ['SendFiles', (spec) => fileQueries.describeSendFileResults({ regionId: R, tags: [] }, spec)],
      ['SendFiles Tag', (spec) => fileQueries.describeSendFileResults({ regionId: R, tags: [{ key: 'env', value: 'prod' }] }, spec)],
    ];
    for (const [name, listing] of listings) {
      used.length = 0;
      const page = listing({ offset: 0, limit: 3, countTotal: true });
      const statements = [...used];
      expect(statements.filter((sql) => sql.includes('COUNT(')), name).toEqual([]);
      expect(plansOfStatements(raw, statements.filter((sql) => sql.includes('row_counts'))), name).toEqual([
        'SEARCH row_counts USING INDEX sqlite_autoindex_row_counts_1 (tbl=? AND facet=? AND region_id=? AND kind=? AND tag_key=? AND tag_value=?)',
      ]);
      expect(page.total, name).toBeGreaterThan(0);
      expect(page.total, name).toBe(walk(listing, 7).length);
    }
    expect(instanceQueries.registered(managed({ tags: [{ key: 'env', value: 'prod' }] }), ALL).total).toBe(expectedInstances(managed({ tags: [{ key: 'env', value: 'prod' }] })).length);
  });

  it.each(byIdFilters)('%s reads the named instances by primary key and sorts only those', (_name, filter) => {
    const plans = plansOf(() => instanceQueries.registered(filter, { offset: 0, limit: 3, countTotal: true }));
    // `SCAN i` walks the materialized named rows, not the table.
    expect(plans.filter((d) => /^SCAN /.test(d) && d !== 'SCAN i')).toEqual([]);
    expect(plans.filter((d) => d.includes('instances_by_region'))).toEqual([]);
    expect(plans.some((d) => d.includes('USING INDEX sqlite_autoindex_instances_1 (id=?)'))).toBe(filter.instanceIds?.length !== 0);
    const expected = expectedInstances(filter);
    expect(instanceQueries.registered(filter, ALL).items.map((i) => i.instanceId)).toEqual(expected);
    expect(walk((spec) => instanceQueries.registered(filter, spec), 2).map((i) => i.instanceId)).toEqual(expected);
  });

  it('Connected reads the range of (region_id, kind, deregistered, connected, seq): its pages touch only the matching entries, its TotalCount is counters', () => {
    for (const connected of [true, false]) {
      const plans = [
        ...plansOf(() => instanceQueries.registered(managed({ connected }), { offset: 0, limit: 3, countTotal: true })),
        ...plansOf(() => instanceQueries.registered(managed({ connected }), { offset: 0, limit: 3, countTotal: false, after: [30] })),
      ];
      expect(badSteps(plans)).toEqual([]);
      // The offset page and the keyset page (TotalCount: the connected counter, or the rows less it).
      const searches = plans.filter((d) => d.startsWith('SEARCH i '));
      expect(searches).toHaveLength(2);
      expect(plans.filter((d) => d.startsWith('SEARCH row_counts '))).toHaveLength(connected ? 1 : 2);
      expect(instanceQueries.registered(managed({ connected }), ALL).total).toBe(expectedInstances(managed({ connected })).length);
      for (const step of searches) expect(step).toMatch(/INDEX instances_by_region_id_kind_deregistered_connected_seq \(region_id=\? AND kind=\? AND deregistered=\? AND connected=\?/);
    }
    expect(expectedInstances(managed({ connected: true }))).toEqual(['mi-58', 'mi-22', 'mi-11', 'mi-10', 'mi-4', 'mi-1']);
    // The reset at open reads only the connected rows (a partial index of them).
    const reset = (raw.prepare('EXPLAIN QUERY PLAN UPDATE instances SET connected = 0 WHERE connected = 1').all() as Array<{ detail: string }>).map((r) => r.detail);
    expect(reset).toEqual([expect.stringMatching(/^SEARCH instances USING (COVERING )?INDEX instances_by_connected_live/)]);
  });

  it('Connected while agent-offline faults are in force stays on the connected range (true), and each hidden tag is one index probe per row', () => {
    const offline: InstanceSelector[] = [{ tag: { key: 'team' } }, { tag: { key: 'env', value: 'prod' } }, { instanceIds: ['mi-1'], exceptIds: ['mi-4'] }];
    for (const connected of [true, false]) {
      const filter = managed({ connected, offline });
      const plans = [
        ...plansOf(() => instanceQueries.registered(filter, { offset: 0, limit: 3, countTotal: true })),
        ...plansOf(() => instanceQueries.registered(filter, { offset: 0, limit: 3, countTotal: false, after: [30] })),
      ];
      expect(badSteps(plans)).toEqual([]);
      // TotalCount: Connected=true's COUNT (on the connected range); for false, the rows' counter less that.
      expect(plans.filter((d) => d.startsWith('SEARCH row_counts '))).toHaveLength(connected ? 0 : 1);
      // Each tag probe finds the row's tag by (kind, tag_key[, tag_value], seq), never a range of a key's tags.
      const probes = plans.filter((d) => d.startsWith('SEARCH g '));
      expect(probes.length).toBeGreaterThan(0);
      expect(probes.filter((d) => !/USING COVERING INDEX tags_by_(value|key)_seq \(kind=\? AND tag_key=\? (AND tag_value=\? )?AND seq=\?\)$/.test(d))).toEqual([]);
      // Connected=true's pages, and the COUNT of both; Connected=false's pages walk the kind's range.
      const onRange = plans.filter((d) => d.startsWith('SEARCH i ') && /INDEX instances_by_region_id_kind_deregistered_connected_seq \(region_id=\? AND kind=\? AND deregistered=\? AND connected=\?/.test(d));
      expect(onRange).toHaveLength(connected ? 3 : 1);
      const expected = expectedInstances(filter);
      expect(expected.length).toBeGreaterThan(0);
      expect(instanceQueries.registered(filter, ALL).items.map((i) => i.instanceId)).toEqual(expected);
      expect(instanceQueries.registered(filter, ALL).total).toBe(expected.length);
    }
    expect(expectedInstances(managed({ connected: true, offline }))).toEqual(['mi-11']);
  });

  it('Connected (session state, while a fault may change it) is checked on the rows the SQL filter leaves, in index order, a keyset page stopping once full', () => {
    const online = ONLINE;
    const asked: string[] = [];
    const keep = (id: string): boolean => {
      asked.push(id);
      return online.has(id);
    };
    const connected = managed({ keep });
    const expected = expectedInstances(managed({ keep: (id) => online.has(id) }));
    // mi-34 is in another region.
    expect(expected).toEqual(['mi-58', 'mi-22', 'mi-11', 'mi-10', 'mi-4', 'mi-1']);
    const all = instanceQueries.registered(connected, ALL);
    expect(all.items.map((i) => i.instanceId)).toEqual(expected);
    expect(all.total).toBe(expected.length);
    expect(walk((spec) => instanceQueries.registered(connected, spec), 4).map((i) => i.instanceId)).toEqual(expected);
    expect(instanceQueries.registered(connected, { offset: 2, limit: 2, countTotal: true }).items.map((i) => i.instanceId)).toEqual(['mi-11', 'mi-10']);
    const offline = managed({ keep: (id) => !online.has(id), name: 'web-1' });
    expect(instanceQueries.registered(offline, ALL).items.map((i) => i.instanceId)).toEqual(expectedInstances(offline));
    expect(badSteps(plansOf(() => instanceQueries.registered(connected, { offset: 0, limit: 3, countTotal: false })))).toEqual([]);
    expect(badSteps(plansOf(() => instanceQueries.registered(managed({ keep, tags: [{ key: 'env', value: 'prod' }] }), { offset: 0, limit: 3, countTotal: false })))).toEqual([]);
  });

  it('resolves ResourceTag.N to the Running registered instances carrying every tag, on the tags index, newest first and capped', () => {
    const expected = (tags: Tag[], group?: string): string[] =>
      newestFirst(instances)
        .filter((i) => !i.deregistered && i.regionId === R && (i.status ?? 'Running') === 'Running' && hasTags(i.tags, tags))
        .filter((i) => group === undefined || resourceGroupOf(i) === group)
        .map((i) => i.instanceId);
    const cases: Array<[Tag[], string | undefined]> = [
      [[{ key: 'env', value: 'prod' }], undefined],
      [[{ key: 'team', value: '' }], undefined],
      [[{ key: 'team', value: 'a' }, { key: 'env', value: 'dev' }], undefined],
      [[{ key: 'env', value: 'prod' }], 'rg-web'],
      [[{ key: 'env', value: 'dev' }], 'rg-default'],
      [[{ key: 'env', value: 'nowhere' }], undefined],
    ];
    for (const [tags, group] of cases) {
      expect(badSteps(plansOf(() => instanceQueries.runningWithTags(R, tags, group, 101)))).toEqual([]);
      expect(instanceQueries.runningWithTags(R, tags, group, 101)).toEqual(expected(tags, group));
    }
    expect(instanceQueries.runningWithTags(R, [{ key: 'env', value: 'prod' }], undefined, 3)).toEqual(expected([{ key: 'env', value: 'prod' }]).slice(0, 3));
    expect(plansOf(() => instanceQueries.runningWithTags(R, [{ key: 'env', value: 'prod' }], undefined, 3)).some((d) => d.includes('USING COVERING INDEX tags_by_value_seq') || d.includes('USING INDEX tags_by_value_seq'))).toBe(true);
  });

  it('answers ActivationInUse and a resource group in use from an index', () => {
    expect(instanceQueries.activationInUse('a-1')).toBe(true);
    expect(instanceQueries.activationInUse('a-404')).toBe(false);
    expect(instanceQueries.groupInUse('rg-web')).toBe(true);
    expect(instanceQueries.groupInUse('rg-default')).toBe(true);
    expect(instanceQueries.groupInUse('rg-act')).toBe(false);
    expect(activationQueries.groupInUse('rg-act')).toBe(true);
    expect(activationQueries.groupInUse('')).toBe(false);
    expect(activationQueries.groupInUse('rg-web')).toBe(false);
    for (const call of [() => instanceQueries.activationInUse('a-1'), () => instanceQueries.groupInUse('rg-web'), () => activationQueries.groupInUse('rg-act'), () => activationQueries.liveCount(R, 0)]) {
      expect(badSteps(plansOf(call))).toEqual([]);
    }
  });
});

/** DescribeActivations as the handler filtered the whole table. */
function expectedActivations(f: ActivationFilter): string[] {
  return newestFirst(activations)
    .filter((a) => a.regionId === f.regionId)
    .filter((a) => f.activationId === undefined || a.activationId === f.activationId)
    .filter((a) => f.instanceName === undefined || a.instanceName === f.instanceName)
    .filter((a) => f.resourceGroupId === undefined || a.resourceGroupId === f.resourceGroupId)
    .filter((a) => hasTags(a.tags, f.tags))
    .map((a) => a.activationId);
}

const activationFilters: Array<[string, ActivationFilter]> = [
  ['no filter', { regionId: R, tags: [] }],
  ['ActivationId', { regionId: R, tags: [], activationId: 'a-5' }],
  ['InstanceName', { regionId: R, tags: [], instanceName: 'act-1' }],
  ['ResourceGroupId', { regionId: R, tags: [], resourceGroupId: 'rg-act' }],
  ['Tag', { regionId: R, tags: [{ key: 'team', value: 'x' }] }],
  ['Tag + InstanceName', { regionId: R, tags: [{ key: 'team', value: '' }], instanceName: 'act-0' }],
];

describe('DescribeActivations in SQL', () => {
  it.each(activationFilters)('by %s runs on an index, without a sort, and agrees with the table filter and offset pages', (_name, filter) => {
    expect(badSteps(plansOf(() => activationQueries.describeActivations(filter, { offset: 0, limit: 3, countTotal: true })))).toEqual([]);
    const expected = expectedActivations(filter);
    expect(expected.length).toBeGreaterThan(0);
    const byOffset = activationQueries.describeActivations(filter, ALL);
    expect(byOffset.items.map((a) => a.activationId)).toEqual(expected);
    expect(byOffset.total).toBe(expected.length);
    expect(walk((spec) => activationQueries.describeActivations(filter, spec), 2).map((a) => a.activationId)).toEqual(expected);
  });

  it('counts the live activations of a region for the quota', () => {
    for (const hour of [0, 2, 5, 9, 14]) {
      const nowMs = Date.parse(`2026-11-01T${String(hour).padStart(2, '0')}:30:00Z`);
      const live = activations.filter((a) => a.regionId === R && Date.parse(a.creationTime) + a.timeToLiveInHours * 3_600_000 > nowMs).length;
      expect(activationQueries.liveCount(R, nowMs)).toBe(live);
    }
  });
});

/** DescribeSendFileResults as the handler filtered the whole table. */
function expectedFiles(f: SendFileFilter): string[] {
  return newestFirst(files)
    .filter((inv) => inv.regionId === f.regionId)
    .filter((inv) => f.invokeId === undefined || inv.invokeId === f.invokeId)
    .filter((inv) => f.name === undefined || inv.name === f.name)
    .filter((inv) => f.instanceId === undefined || inv.instanceIds.includes(f.instanceId))
    .filter((inv) => f.resourceGroupId === undefined || inv.resourceGroupId === f.resourceGroupId)
    .filter((inv) => hasTags(inv.tags, f.tags))
    .map((inv) => ({ inv, rows: deliveries.filter((d) => d.invokeId === inv.invokeId && (f.instanceId === undefined || d.instanceId === f.instanceId)) }))
    .filter(({ rows }) => f.status === undefined || fileAggregateStatus(rows.map((r) => r.status)) === f.status)
    .map(({ inv, rows }) => `${inv.invokeId}:${rows.map((r) => `${r.instanceId}=${r.status}`).join(',')}`);
}

const fileFilters: Array<[string, SendFileFilter]> = [
  ['no filter', { regionId: R, tags: [] }],
  ['InvokeId', { regionId: R, tags: [], invokeId: 'f-10' }],
  ['Name', { regionId: R, tags: [], name: 'file-2' }],
  ['ResourceGroupId', { regionId: R, tags: [], resourceGroupId: 'rg-files' }],
  ['Tag', { regionId: R, tags: [{ key: 'env', value: 'prod' }] }],
  ['InvocationStatus=PartialFailed', { regionId: R, tags: [], status: 'PartialFailed' }],
  ['InvocationStatus=Success', { regionId: R, tags: [], status: 'Success' }],
  ['InvocationStatus=Running', { regionId: R, tags: [], status: 'Running' }],
  ['InstanceId', { regionId: R, tags: [], instanceId: 'mi-2' }],
  ['InstanceId + InvocationStatus=Failed', { regionId: R, tags: [], instanceId: 'mi-1', status: 'Failed' }],
  ['InstanceId + Tag', { regionId: R, tags: [{ key: 'env', value: '' }], instanceId: 'mi-1' }],
];

describe('DescribeSendFileResults in SQL', () => {
  it.each(fileFilters)('by %s runs on an index, without a sort, and agrees with the table filter and offset pages', (_name, filter) => {
    expect(badSteps(plansOf(() => fileQueries.describeSendFileResults(filter, { offset: 0, limit: 3, countTotal: true })))).toEqual([]);
    const key = (r: { invocation: FileInvocationRecord; deliveries: FileDeliveryRecord[] }): string =>
      `${r.invocation.invokeId}:${r.deliveries.map((d) => `${d.instanceId}=${d.status}`).join(',')}`;
    const expected = expectedFiles(filter);
    expect(expected.length).toBeGreaterThan(0);
    const byOffset = fileQueries.describeSendFileResults(filter, ALL);
    expect(byOffset.items.map(key)).toEqual(expected);
    expect(byOffset.total).toBe(expected.length);
    expect(walk((spec) => fileQueries.describeSendFileResults(filter, spec), 3).map(key)).toEqual(expected);
  });
});
