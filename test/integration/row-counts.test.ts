/**
 * The TotalCount counters (store/row-counts.ts) stay exact: after inserts, status, tag, kind,
 * region and presence changes, deletes, the retention purge and rolled-back work, each counter
 * equals a recount of the rows, and each counted TotalCount equals the number of rows the
 * listing pages through.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Tag } from '../../controlplane/domain/tag.js';
import type { PageSpec, StorePage } from '../../controlplane/store/page.js';
import { Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { plansOfStatements, walkPages } from '../support/query-plans.js';
import { recountedCounts, storedCounts } from '../support/row-counts.js';
import { activationRecord, fileRecord, instanceRecord, invocationRecord, runRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-row-counts-'));
afterAll(() => removeDir(dir));

const R = 'cn-hangzhou';
const B = 'cn-beijing';
const prod: Tag = { key: 'env', value: 'prod' };
const dev: Tag = { key: 'env', value: 'dev' };
const team: Tag = { key: 'team', value: 'a' };
const blank: Tag = { key: 'note', value: '' };

let opened: Array<{ store: Store; raw: Database.Database }> = [];
let files = 0;

/** A new store, and a second connection to its file (it sees what the store committed). */
function fresh(): { store: Store; raw: Database.Database } {
  const file = join(dir, `state-${(files += 1)}.sqlite`);
  const store = new Store(file);
  const raw = new Database(file);
  opened.push({ store, raw });
  return { store, raw };
}
afterEach(() => {
  for (const { store, raw } of opened) {
    raw.close();
    store.close();
  }
  opened = [];
});

const PAGE: PageSpec = { offset: 0, limit: 2, countTotal: true };

/** The counted TotalCount of a listing, and the rows its pages go through. */
function totalAndWalk<T>(fetch: (spec: PageSpec) => StorePage<T>): [number | undefined, number] {
  return [fetch(PAGE).total, walkPages(fetch, 3).length];
}

/** Every counter equals a recount of the rows, and every counted listing's TotalCount its rows. */
function expectExact(store: Store, raw: Database.Database): void {
  store.flush();
  expect(storedCounts(raw)).toEqual(recountedCounts(raw));
  const q = store.invocationQueries;
  const i = store.instanceQueries;
  for (const regionId of [R, B, 'cn-nowhere']) {
    for (const tags of [[], [prod], [dev], [{ key: 'env', value: '' }], [blank], [{ key: 'note', value: '' }], [team]]) {
      const listings: Array<(spec: PageSpec) => StorePage<unknown>> = [
        (spec) => q.describeInvocations({ regionId, tags }, spec),
        (spec) => i.registered({ regionId, kind: 'managed', tags }, spec),
        (spec) => i.registered({ regionId, kind: 'ecs', tags }, spec),
        (spec) => store.activationQueries.describeActivations({ regionId, tags }, spec),
        (spec) => store.fileQueries.describeSendFileResults({ regionId, tags }, spec),
      ];
      if (tags.length === 0) {
        listings.push((spec) => q.describeInvocationResults({ regionId, tags, includeHistory: false }, spec));
        for (const connected of [true, false]) {
          for (const offline of [undefined, [{ tag: { key: 'env', value: 'prod' } }, { instanceIds: ['mi-1'] }]]) {
            listings.push((spec) => i.registered({ regionId, kind: 'managed', tags, connected, offline }, spec));
          }
        }
      }
      for (const listing of listings) {
        const [total, walked] = totalAndWalk(listing);
        expect(total).toBe(walked);
      }
    }
  }
}

/** A small fleet in two regions: both kinds, deregistered ones, tags (one with an empty value). */
function fill(store: Store): void {
  store.transaction(() => {
    for (let n = 0; n < 24; n += 1) {
      const tags = [n % 2 === 0 ? prod : dev, ...(n % 3 === 0 ? [team] : []), ...(n % 5 === 0 ? [blank] : [])];
      store.instances.add(instanceRecord(n % 4 === 3 ? `i-${n}` : `mi-${n}`, { kind: n % 4 === 3 ? 'ecs' : 'managed', regionId: n % 6 === 5 ? B : R, tags, deregistered: n % 7 === 6 }));
      store.invocations.add(invocationRecord(`t-${n}`, [`mi-${n}`], { regionId: n % 5 === 4 ? B : R, tags: n % 3 === 0 ? [prod, blank] : n % 3 === 1 ? [dev] : [] }));
      store.runs.add(runRecord(`t-${n}`, `mi-${n}`, 'Running'));
      if (n % 4 === 0) store.runs.add(runRecord(`t-${n}`, 'i-3', 'Pending'));
      // Every third instance's agent connected (mi-6 and others deregistered among them).
      if (n % 3 === 0) store.presence.set(n % 4 === 3 ? `i-${n}` : `mi-${n}`, true);
      store.activations.add(activationRecord(`a-${n}`, { regionId: n % 4 === 0 ? B : R, tags: n % 2 === 0 ? [team] : [] }));
      store.fileInvocations.add(fileRecord(`f-${n}`, [`mi-${n}`], { regionId: n % 3 === 0 ? B : R, tags: n % 4 === 0 ? [prod] : [] }));
    }
  });
}

describe('row counts', () => {
  it('count the rows and tag rows of each region (and kind) as they are added', () => {
    const { store, raw } = fresh();
    expectExact(store, raw);
    fill(store);
    expect(storedCounts(raw)['instances|rows|cn-hangzhou|managed||']).toBeGreaterThan(0);
    expect(storedCounts(raw)['invocations|tag_key|cn-hangzhou||note|']).toBeGreaterThan(0);
    expectExact(store, raw);
    // Added outside any transaction, and through a group commit.
    store.instances.add(instanceRecord('mi-solo', { tags: [prod] }));
    store.group(() => store.invocations.add(invocationRecord('t-grouped', ['mi-solo'], { tags: [team] })));
    expectExact(store, raw);
  });

  it('follow deregistering and registering again, a new region or kind, and new tags; status changes leave them', () => {
    const { store, raw } = fresh();
    fill(store);
    const before = storedCounts(raw);
    // What changes no counted column: run statuses (the invocations' derived status), presence, heartbeats.
    store.transaction(() => {
      store.runs.put(runRecord('t-0', 'mi-0', 'Success'));
      store.presence.set('mi-0', true);
      store.presence.heartbeat('mi-0', '2026-11-01T01:00:00Z');
      const mi0 = store.instances.get('mi-0')!;
      store.instances.put({ ...mi0, status: 'Stopped' });
    });
    store.flush();
    expect(storedCounts(raw)).toEqual(before);
    const mi2 = store.instances.get('mi-2')!;
    store.instances.put({ ...mi2, deregistered: true });
    expectExact(store, raw);
    store.instances.put({ ...mi2, deregistered: false });
    expectExact(store, raw);
    expect(storedCounts(raw)).toEqual(before);
    const mi4 = store.instances.get('mi-4')!;
    store.instances.put({ ...mi4, regionId: B, tags: [dev, { key: 'team', value: 'b' }] });
    expectExact(store, raw);
    const mi8 = store.instances.get('mi-8')!;
    store.instances.put({ ...mi8, kind: 'ecs', tags: [] });
    expectExact(store, raw);
    // A deregistered instance retagged and moved: nothing counts until it is registered again.
    const mi6 = store.instances.get('mi-6')!;
    expect(mi6.deregistered).toBe(true);
    store.instances.put({ ...mi6, tags: [team], regionId: B });
    expectExact(store, raw);
    store.instances.put({ ...mi6, tags: [team, prod], regionId: B, deregistered: false });
    expectExact(store, raw);
    store.invocations.put({ ...store.invocations.get('t-1')!, tags: [prod, team] });
    store.activations.put({ ...store.activations.get('a-1')!, tags: [team, blank] });
    expectExact(store, raw);
  });

  it('follow agents connecting and leaving, a restart resetting them, and run rows added in any transaction', () => {
    const { store, raw } = fresh();
    fill(store);
    expect(storedCounts(raw)['instances|connected|cn-hangzhou|managed||']).toBeGreaterThan(0);
    expect(storedCounts(raw)['instance_runs|rows|cn-hangzhou|||']).toBeGreaterThan(0);
    store.presence.set('mi-1', true);
    store.presence.set('mi-0', false);
    // Replaced sessions and re-dials write nothing; a group's presence writes count at its commit.
    store.presence.set('mi-1', true);
    store.group(() => store.presence.set('mi-2', true));
    expectExact(store, raw);
    // A connected instance deregistered, then moved, then registered again.
    const mi9 = store.instances.get('mi-9')!;
    store.instances.put({ ...mi9, deregistered: true });
    expectExact(store, raw);
    store.instances.put({ ...mi9, regionId: B, deregistered: false });
    expectExact(store, raw);
    // Runs: added in a transaction, through a group commit's write-behind, outside any transaction.
    store.transaction(() => {
      store.invocations.add(invocationRecord('t-many', ['mi-1', 'mi-2', 'mi-4'], { regionId: B }));
      for (const id of ['mi-1', 'mi-2', 'mi-4']) store.runs.add(runRecord('t-many', id, 'Pending'));
    });
    store.group(() => store.runs.put(runRecord('t-many', 'mi-7', 'Pending')));
    store.group(() => store.runs.put(runRecord('t-many', 'mi-1', 'Running')));
    store.runs.add(runRecord('t-many', 'mi-8', 'Pending'));
    // A run of an invocation that does not exist has no region: it counts nowhere, as it lists nowhere.
    store.runs.add(runRecord('t-missing', 'mi-1', 'Pending'));
    expectExact(store, raw);
    expect(storedCounts(raw)['instance_runs|rows|cn-beijing|||']).toBe((recountedCounts(raw)['instance_runs|rows|cn-beijing|||'] ?? 0));
    // A restart: no session survives, every connected counter goes to 0.
    const file = raw.name;
    store.close();
    const reopened = new Store(file);
    opened.push({ store: reopened, raw: new Database(file) });
    expect(Object.keys(storedCounts(raw)).filter((k) => k.includes('|connected|'))).toEqual([]);
    expectExact(reopened, raw);
  });

  it('follow deletes and the retention purge (which deletes tags and rows in its own SQL)', () => {
    const { store, raw } = fresh();
    fill(store);
    store.instances.delete('mi-0');
    store.activations.delete('a-2');
    store.fileInvocations.delete('f-4');
    expectExact(store, raw);
    // Finished runs can be purged; t-1's run stays live, so t-1 stays.
    store.transaction(() => {
      for (let n = 0; n < 24; n += 1) {
        if (n === 1) continue;
        store.runs.put(runRecord(`t-${n}`, `mi-${n}`, 'Success'));
        if (n % 4 === 0) store.runs.put(runRecord(`t-${n}`, 'i-3', 'Success'));
      }
    });
    const purged = store.retention.purgeBefore('2026-12-01T00:00:00Z', 10);
    expect(purged.invocations).toBe(10);
    expect(purged.files).toBe(10);
    expectExact(store, raw);
    while (store.retention.purgeBefore('2026-12-01T00:00:00Z', 10).invocations > 0);
    expectExact(store, raw);
    expect(store.invocationQueries.describeInvocations({ regionId: R, tags: [] }, PAGE).total).toBe(1);
    expect(store.invocationQueries.describeInvocationResults({ regionId: R, tags: [], includeHistory: false }, PAGE).total).toBe(1);
    // The pass drops the counters it brought to 0.
    expect(raw.prepare('SELECT COUNT(*) AS n FROM row_counts WHERE n = 0').get()).toEqual({ n: 0 });
    expect(raw.prepare("SELECT COUNT(*) AS n FROM row_counts WHERE tbl IN ('invocations', 'instance_runs', 'file_invocations')").get()).toEqual({ n: 4 });
    expect(storedCounts(raw)).toMatchObject({ 'invocations|rows|cn-hangzhou|||': 1, 'invocations|tag|cn-hangzhou||env|dev': 1, 'invocations|tag_key|cn-hangzhou||env|': 1 });
    expect(Object.keys(storedCounts(raw)).filter((k) => k.startsWith('invocations|')).sort()).toEqual(['invocations|rows|cn-hangzhou|||', 'invocations|tag_key|cn-hangzhou||env|', 'invocations|tag|cn-hangzhou||env|dev']);
    expect(storedCounts(raw)['instance_runs|rows|cn-hangzhou|||']).toBe(1);
  });

  it('are taken back with a transaction or savepoint that rolls back', () => {
    const { store, raw } = fresh();
    fill(store);
    const before = storedCounts(raw);
    expect(() =>
      store.transaction(() => {
        store.instances.add(instanceRecord('mi-lost', { tags: [prod] }));
        store.invocations.add(invocationRecord('t-lost', ['mi-lost'], { tags: [prod] }));
        store.instances.put({ ...store.instances.get('mi-2')!, deregistered: true });
        store.instances.delete('mi-4');
        store.runs.add(runRecord('t-lost', 'mi-lost', 'Pending'));
        store.runs.add(runRecord('t-0', 'mi-lost', 'Pending'));
        store.presence.set('mi-1', true);
        store.presence.set('mi-0', false);
        store.retention.purgeBefore('2026-12-01T00:00:00Z');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    store.flush();
    expect(storedCounts(raw)).toEqual(before);
    expectExact(store, raw);
    // A savepoint that fails inside a transaction that commits; a group's part that fails.
    store.transaction(() => {
      store.instances.add(instanceRecord('mi-kept', { tags: [team] }));
      expect(() =>
        store.transaction(() => {
          store.instances.add(instanceRecord('mi-dropped', { tags: [team] }));
          store.activations.delete('a-0');
          throw new Error('savepoint');
        }),
      ).toThrow('savepoint');
    });
    store.group(() => store.invocations.add(invocationRecord('t-kept', ['mi-kept'], { tags: [team] })));
    expect(() =>
      store.group(() => {
        store.invocations.add(invocationRecord('t-dropped', ['mi-kept'], { tags: [team] }));
        store.runs.put(runRecord('t-kept', 'mi-kept', 'Pending'));
        store.presence.set('mi-kept', true);
        throw new Error('group part');
      }),
    ).toThrow('group part');
    expectExact(store, raw);
    expect(store.instances.get('mi-dropped')).toBeUndefined();
    expect(storedCounts(raw)['instances|tag|cn-hangzhou|managed|team|a']).toBe((before['instances|tag|cn-hangzhou|managed|team|a'] ?? 0) + 1);
    expect(storedCounts(raw)['invocations|tag|cn-hangzhou||team|a']).toBe(1);
  });

  it('cost each write a few index probes: every statement of their triggers reads by key, whatever the table holds', () => {
    const { raw } = fresh();
    const triggers = raw.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'row_counts_%'").all() as Array<{ name: string; sql: string }>;
    // Seven per table counted by triggers (insert, delete, leave, enter; three for its tags), and instances' flag.
    expect(triggers).toHaveLength(4 * 7 + 1);
    let steps = 0;
    for (const { name, sql } of triggers) {
      const body = sql.slice(sql.indexOf(' BEGIN ') + ' BEGIN '.length, sql.lastIndexOf(' END'));
      for (const statement of body.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
        // The statement as it runs for one row: NEW.x and OLD.x are that row's values.
        for (const step of plansOfStatements(raw, [statement.replace(/\b(NEW|OLD)\.\w+/g, '?')])) {
          steps += 1;
          // A SELECT of the row's own values, without a table.
          if (step === 'SCAN CONSTANT ROW') continue;
          const table = /^SEARCH (\w+)/.exec(step)?.[1];
          // The row's own tags on (kind, id) (not all of a kind's tags), its parent by id, a counter by its key.
          const byKey = table === 'tags' ? /INDEX tags_by_id_key_value \(kind=\? AND id=\?\)$/ : table === 'p' ? /INDEX sqlite_autoindex_\w+_1 \(id=\?\)$/ : /INDEX sqlite_autoindex_row_counts_1 \(tbl=\? AND facet=\? AND region_id=\? AND kind=\? AND tag_key=\? AND tag_value=\?\)$/;
          expect(step, `${name}: ${statement}`).toMatch(byKey);
        }
      }
    }
    expect(steps).toBeGreaterThan(50);
    // So does DocumentTable's read of a row's tags (each put of a tagged table compares them).
    expect(plansOfStatements(raw, ["SELECT tag_key, tag_value FROM tags WHERE kind = 'instances' AND id = ?"])).toEqual([
      'SEARCH tags USING COVERING INDEX tags_by_id_key_value (kind=? AND id=?)',
    ]);
  });

  it('follow rows and tags written in SQL by other code, in any order (a tag before its row, a tag row updated)', () => {
    const { store, raw } = fresh();
    fill(store);
    // A tag row written before its parent row, then the parent.
    raw.prepare("INSERT INTO tags (kind, id, tag_key, tag_value, seq) VALUES ('instances', 'mi-raw', 'env', 'prod', NULL)").run();
    raw.prepare("INSERT INTO instances (id, doc, region_id, kind, deregistered) VALUES ('mi-raw', '{}', ?, 'managed', 0)").run(R);
    expect(storedCounts(raw)).toEqual(recountedCounts(raw));
    // A tag row moved to another key, value, parent and kind.
    raw.prepare("UPDATE tags SET tag_value = 'staging' WHERE kind = 'instances' AND id = 'mi-0' AND tag_key = 'env'").run();
    raw.prepare("UPDATE tags SET tag_key = 'owner' WHERE kind = 'invocations' AND id = 't-0' AND tag_key = 'env'").run();
    raw.prepare("UPDATE tags SET id = 'mi-2' WHERE kind = 'instances' AND id = 'mi-1' AND tag_key = 'env'").run();
    raw.prepare("UPDATE tags SET kind = 'instances', id = 'mi-5' WHERE kind = 'activations' AND id = 'a-0'").run();
    raw.prepare("UPDATE instances SET id = 'mi-renamed' WHERE id = 'mi-5'").run();
    raw.prepare("UPDATE instances SET kind = NULL WHERE id = 'mi-9'").run();
    raw.prepare("UPDATE invocations SET region_id = NULL WHERE id = 't-2'").run();
    expect(storedCounts(raw)).toEqual(recountedCounts(raw));
    raw.prepare("DELETE FROM instances WHERE id = 'mi-raw'").run();
    raw.prepare("DELETE FROM tags WHERE kind = 'instances' AND id = 'mi-raw'").run();
    expect(storedCounts(raw)).toEqual(recountedCounts(raw));
    // No counter is below zero.
    expect(Object.values(storedCounts(raw)).filter((n) => n < 0)).toEqual([]);
  });
});
