import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandRecord, InstanceRunRecord, InvocationRecord } from '../../controlplane/store/records.js';
import { invocationDayLabel, keptCommandsLabel } from '../../controlplane/store/record-keys.js';
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
  it("reads an instance's live runs by status through its index of live runs, following updates", () => {
    const store = new Store(join(dir, 'statuses.sqlite'));
    store.runs.add(run('t-1', 'Pending'));
    store.runs.add(run('t-2', 'Scheduled'));
    store.runs.add(run('t-3', 'Pending'));
    const ids = (statuses: InstanceRunRecord['status'][]): string[] => store.runsOn('i-1', statuses).map((r) => r.invokeId).sort();
    expect(ids(['Pending'])).toEqual(['t-1', 't-3']);
    store.runs.put({ ...run('t-1', 'Running') });
    expect(ids(['Pending'])).toEqual(['t-3']);
    expect(ids(['Running', 'Scheduled'])).toEqual(['t-1', 't-2']);
    store.runs.put({ ...run('t-1', 'Success') });
    expect(ids(['Running', 'Scheduled', 'Pending', 'Stopping'])).toEqual(['t-2', 't-3']);
    expect(store.runsOn('i-2', ['Pending'])).toEqual([]);
    expect(ids([])).toEqual([]);
    // Finished runs are not on that index: asking for them is a programming error, not an empty answer.
    expect(() => store.runsOn('i-1', ['Success'])).toThrowError(/live runs only/);
    store.close();
  });

  it('counts kept commands per region and invocations per region and day through their labels', () => {
    const store = new Store(join(dir, 'counts.sqlite'));
    const command = { commandId: 'c-1', regionId: 'cn-hangzhou', kept: true } as unknown as CommandRecord;
    store.commands.add(command);
    store.commands.add({ ...command, commandId: 'c-2', kept: false });
    expect(store.commands.countWithLabel(keptCommandsLabel({ regionId: 'cn-hangzhou', kept: true }))).toBe(1);
    store.commands.put({ ...command, kept: false });
    expect(store.commands.countWithLabel(keptCommandsLabel({ regionId: 'cn-hangzhou', kept: true }))).toBe(0);
    const invocation = { invokeId: 't-1', regionId: 'cn-hangzhou', creationTime: '2026-11-23T23:59:59Z' } as unknown as InvocationRecord;
    store.invocations.add(invocation);
    store.invocations.add({ ...invocation, invokeId: 't-2', creationTime: '2026-11-24T00:00:00Z' });
    store.invocations.add({ ...invocation, invokeId: 't-3', regionId: 'cn-beijing' });
    expect(store.invocations.countWithLabel(invocationDayLabel('cn-hangzhou', '2026-11-23T10:00:00Z'))).toBe(1);
    store.close();
  });

  it('adds and fills the label and status columns in a data dir written before they existed', () => {
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    old.exec('CREATE TABLE instance_runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)');
    old.prepare('INSERT INTO instance_runs (id, doc) VALUES (?, ?)').run('t-9/i-1', JSON.stringify(run('t-9', 'Scheduled')));
    old.close();
    const store = new Store(file);
    expect(store.runsOn('i-1', ['Scheduled']).map((r) => r.invokeId)).toEqual(['t-9']);
    expect(store.runs.get('t-9/i-1')?.status).toBe('Scheduled');
    store.close();
  });
});
