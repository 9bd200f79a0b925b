import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKey, Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { invocationRecord, runRecord } from '../support/store-records.js';

/**
 * Runs are cached as they were added once the adding transaction commits (TableSpec.cacheAdded):
 * the agent's first report reads the record without a SELECT. A second connection rewrites the
 * stored document behind the store's back, so a test can tell a cached read from a stored one.
 */
const dir = mkdtempSync(join(tmpdir(), 'casim-added-cache-'));
afterAll(() => removeDir(dir));

let store: Store;
let behind: Database.Database;
let n = 0;
beforeEach(() => {
  const file = join(dir, `store-${(n += 1)}.sqlite`);
  store = new Store(file);
  behind = new Database(file);
  store.transaction(() => store.invocations.add(invocationRecord('t-1', ['i-1', 'i-2'])));
});
afterEach(() => {
  behind.close();
  store.close();
});

const KEY = runKey('t-1', 'i-1');
/** Rewrites the stored run's document (its status) with another connection. */
const rewriteBehind = (status: string): void => {
  behind.prepare('UPDATE instance_runs SET doc = json_set(doc, \'$.status\', ?) WHERE id = ?').run(status, KEY);
};
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the runs table caches what it added', () => {
  it('serves a run added in a committed transaction from memory', () => {
    store.transaction(() => store.runs.add(runRecord('t-1', 'i-1', 'Pending')));
    rewriteBehind('Running');
    expect(store.runs.get(KEY)?.status).toBe('Pending');
  });

  it('serves a run added in a committed group from memory', async () => {
    store.group(() => store.runs.add(runRecord('t-1', 'i-1', 'Pending')));
    await nextTurn();
    rewriteBehind('Running');
    expect(store.runs.get(KEY)?.status).toBe('Pending');
  });

  it('does not cache a run whose transaction rolled back', () => {
    expect(() => store.transaction(() => {
      store.runs.add(runRecord('t-1', 'i-1', 'Pending'));
      throw new Error('rolled back');
    })).toThrow('rolled back');
    // The next commit caches what it added, nothing of the rolled-back one.
    store.transaction(() => store.runs.add(runRecord('t-1', 'i-2', 'Pending')));
    expect(store.runs.get(KEY)).toBeUndefined();
  });

  it('does not cache a run added in a savepoint that rolled back inside a committed transaction', () => {
    store.transaction(() => {
      store.runs.add(runRecord('t-1', 'i-2', 'Pending'));
      expect(() => store.transaction(() => {
        store.runs.add(runRecord('t-1', 'i-1', 'Pending'));
        throw new Error('inner');
      })).toThrow('inner');
    });
    expect(store.runs.get(KEY)).toBeUndefined();
    expect(store.runs.get(runKey('t-1', 'i-2'))?.status).toBe('Pending');
  });

  it('caches the run as it was last written, not as it was added, when the same transaction rewrote it', () => {
    store.transaction(() => {
      store.runs.add(runRecord('t-1', 'i-1', 'Pending'));
      store.runs.put(runRecord('t-1', 'i-1', 'Running'));
    });
    rewriteBehind('Failed');
    // Written twice: read from the store (the add is not cached over the put).
    expect(store.runs.get(KEY)?.status).toBe('Failed');
  });

  it('reads a run from the store again once it was written after its add', async () => {
    store.transaction(() => store.runs.add(runRecord('t-1', 'i-1', 'Pending')));
    store.group(() => store.runs.put({ ...store.runs.get(KEY)!, status: 'Running' }));
    await nextTurn();
    rewriteBehind('Success');
    expect(store.runs.get(KEY)?.status).toBe('Success');
  });

  it('forgets the cached runs when retention purges them by SQL', () => {
    store.transaction(() => store.runs.add(runRecord('t-1', 'i-1', 'Success')));
    expect(store.runs.get(KEY)?.status).toBe('Success');
    expect(store.transaction(() => store.retention.purgeBefore('2027-01-01T00:00:00Z')).runs).toBe(1);
    expect(store.runs.get(KEY)).toBeUndefined();
  });
});
