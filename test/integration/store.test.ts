import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { InstanceRunRecord } from '../../controlplane/store/records.js';
import { Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-store-'));
afterAll(() => removeDir(dir));

function run(invokeId: string, status: InstanceRunRecord['status']): InstanceRunRecord {
  return {
    invokeId, instanceId: 'i-1', run: 1, status, errorCode: '', errorInfo: '', exitCode: null, output: '', dropped: 0,
    creationTime: '', startTime: '', finishTime: '', updateTime: '', stopTime: '', repeats: 0,
  };
}

describe('Store (a real SQLite file)', () => {
  it('reads runs by status through the indexed label, newest first, following updates', () => {
    const store = new Store(join(dir, 'labels.sqlite'));
    store.runs.add(run('t-1', 'Pending'));
    store.runs.add(run('t-2', 'Scheduled'));
    store.runs.add(run('t-3', 'Pending'));
    expect(store.runs.withLabel(['Pending']).map((r) => r.invokeId)).toEqual(['t-3', 't-1']);
    store.runs.put({ ...run('t-1', 'Running') });
    expect(store.runs.withLabel(['Pending']).map((r) => r.invokeId)).toEqual(['t-3']);
    expect(store.runs.withLabel(['Running', 'Scheduled']).map((r) => r.invokeId)).toEqual(['t-2', 't-1']);
    expect(store.runs.withLabel([])).toEqual([]);
    store.close();
  });

  it('adds and fills the label column in a data dir written before it existed', () => {
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    old.exec('CREATE TABLE instance_runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)');
    old.prepare('INSERT INTO instance_runs (id, doc) VALUES (?, ?)').run('t-9/i-1', JSON.stringify(run('t-9', 'Scheduled')));
    old.close();
    const store = new Store(file);
    expect(store.runs.withLabel(['Scheduled']).map((r) => r.invokeId)).toEqual(['t-9']);
    expect(store.runs.get('t-9/i-1')?.status).toBe('Scheduled');
    store.close();
  });
});
