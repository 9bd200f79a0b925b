import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { invocationStatusColumns } from '../../controlplane/invocations/status-filters.js';
import { subscribeStoreTransactions, type StoreTransactionEvent } from '../../controlplane/store/store-events.js';
import { Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { invocationRecord, runRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-group-'));
afterAll(() => removeDir(dir));

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A store with invocation t-1 and one Pending run on each of `instanceIds`, committed. */
function storeWithRuns(file: string, instanceIds: string[]): Store {
  const store = new Store(file);
  store.transaction(() => {
    store.invocations.add(invocationRecord('t-1', instanceIds));
    for (const id of instanceIds) store.runs.add(runRecord('t-1', id, 'Pending'));
  });
  return store;
}

describe('Store group commit', () => {
  it('commits the group at the next turn of the event loop, then runs its afterCommit callbacks in order', async () => {
    const file = join(dir, 'turn.sqlite');
    const store = new Store(file);
    const other = new Database(file, { readonly: true });
    const acks: string[] = [];
    store.group(() => {
      store.invocations.add(invocationRecord('t-1', ['i-1']));
      store.afterCommit(() => acks.push('first'));
    });
    store.group(() => {
      store.runs.add(runRecord('t-1', 'i-1', 'Pending'));
      store.afterCommit(() => acks.push('second'));
    });
    // Not durable yet: another connection sees nothing and nothing was acknowledged.
    expect(other.prepare('SELECT COUNT(*) AS n FROM invocations').get()).toEqual({ n: 0 });
    expect(acks).toEqual([]);
    await nextTurn();
    expect(other.prepare('SELECT COUNT(*) AS n FROM instance_runs').get()).toEqual({ n: 1 });
    expect(acks).toEqual(['first', 'second']);
    other.close();
    store.close();
  });

  it('publishes a group commit as one store transaction (its parts are savepoints), and each transaction of its own', async () => {
    const store = new Store(join(dir, 'timed.sqlite'));
    const events: StoreTransactionEvent[] = [];
    const unsubscribe = subscribeStoreTransactions(store, (event) => events.push(event));
    try {
      for (let n = 0; n < 3; n += 1) store.group(() => store.invocations.add(invocationRecord(`t-${n}`, [])));
      expect(events).toEqual([]);
      await nextTurn();
      expect(events.map((e) => e.ok)).toEqual([true]);
      store.transaction(() => store.invocations.add(invocationRecord('t-own', [])));
      expect(events.map((e) => e.ok)).toEqual([true, true]);
      expect(events.every((e) => e.durationMs >= 0)).toBe(true);
    } finally {
      unsubscribe();
      store.close();
    }
  });

  it('commits the group before another transaction starts, so that one commits only its own work', () => {
    const store = new Store(join(dir, 'writer.sqlite'));
    const order: string[] = [];
    store.group(() => {
      store.invocations.add(invocationRecord('t-1', []));
      store.afterCommit(() => order.push('group'));
    });
    store.transaction(() => {
      store.invocations.add(invocationRecord('t-2', []));
      store.afterCommit(() => order.push('api'));
    });
    expect(order).toEqual(['group', 'api']);
    store.close();
  });

  it('rolls back only the part that failed; the rest of the group commits', async () => {
    const store = new Store(join(dir, 'partial.sqlite'));
    const acks: string[] = [];
    store.group(() => {
      store.invocations.add(invocationRecord('t-1', []));
      store.afterCommit(() => acks.push('kept'));
    });
    expect(() => store.group(() => {
      store.invocations.add(invocationRecord('t-2', []));
      store.afterCommit(() => acks.push('dropped'));
      store.invocations.add(invocationRecord('t-1', [])); // duplicate key: this part fails
    })).toThrowError(/UNIQUE/);
    await nextTurn();
    expect(acks).toEqual(['kept']);
    expect(store.invocations.all().map((i) => i.invokeId)).toEqual(['t-1']);
    store.close();
  });

  it('never caches a record that the open group wrote, so a rollback cannot leave it in the cache', () => {
    const store = new Store(join(dir, 'cache.sqlite'));
    store.invocations.add(invocationRecord('t-1', [], { commandName: 'before' }));
    expect(store.invocations.get('t-1')?.commandName).toBe('before');
    expect(() => store.group(() => {
      store.invocations.put(invocationRecord('t-1', [], { commandName: 'uncommitted' }));
      expect(store.invocations.get('t-1')?.commandName).toBe('uncommitted');
      throw new Error('rolled back');
    })).toThrowError('rolled back');
    expect(store.invocations.get('t-1')?.commandName).toBe('before');
    store.close();
  });

  it('keeps a run put several times in one group pending until the commit, then stores its final state and the invocation status derived from it', async () => {
    const file = join(dir, 'write-behind.sqlite');
    const store = storeWithRuns(file, ['i-1', 'i-2']);
    const other = new Database(file, { readonly: true });
    const statusOf = (id: string): unknown => (other.prepare('SELECT status FROM instance_runs WHERE id = ?').get(id) as { status: string }).status;
    for (const status of ['Running', 'Success'] as const) {
      store.group(() => store.runs.put(runRecord('t-1', 'i-1', status)));
      // The group sees its own latest write before it commits.
      expect(store.runs.get('t-1/i-1')?.status).toBe(status);
    }
    expect(statusOf('t-1/i-1')).toBe('Pending');
    await nextTurn();
    expect(statusOf('t-1/i-1')).toBe('Success');
    const counts = other.prepare('SELECT status, n FROM invocation_run_counts WHERE invoke_id = ? AND n > 0 ORDER BY status').all('t-1');
    expect(counts).toEqual([{ status: 'Pending', n: 1 }, { status: 'Success', n: 1 }]);
    const expected = invocationStatusColumns('Once', ['Pending', 'Success']).invokeStatus;
    expect(other.prepare('SELECT invoke_status FROM invocations WHERE id = ?').get('t-1')).toEqual({ invoke_status: expected });
    other.close();
    store.close();
  });

  it('undoes the deferred writes of a part that failed, and SQL readers see the ones that stand', async () => {
    const store = storeWithRuns(join(dir, 'write-behind-rollback.sqlite'), ['i-1']);
    store.group(() => store.runs.put(runRecord('t-1', 'i-1', 'Running')));
    expect(() => store.group(() => {
      store.runs.put(runRecord('t-1', 'i-1', 'Failed'));
      throw new Error('this part fails');
    })).toThrowError('this part fails');
    expect(store.runs.get('t-1/i-1')?.status).toBe('Running');
    // An SQL read inside the group sees the pending write.
    expect(store.runsOn('i-1', ['Running']).map((r) => r.status)).toEqual(['Running']);
    await nextTurn();
    const reader = new Database(join(dir, 'write-behind-rollback.sqlite'), { readonly: true });
    expect(reader.prepare('SELECT status FROM instance_runs WHERE id = ?').get('t-1/i-1')).toEqual({ status: 'Running' });
    expect(reader.prepare('SELECT invoke_status FROM invocations WHERE id = ?').get('t-1')).toEqual({ invoke_status: 'Running' });
    reader.close();
    store.close();
  });

  it('serves a live run as it last wrote it (no SELECT), and a finished one from SQLite again', () => {
    const file = join(dir, 'written.sqlite');
    const store = storeWithRuns(file, ['i-1']);
    // Changed behind the store's back: a read that went to SQLite would see 'behind'.
    const other = new Database(file);
    const behind = (): void => {
      other.prepare("UPDATE instance_runs SET doc = json_set(doc, '$.errorInfo', 'behind') WHERE id = 't-1/i-1'").run();
    };
    behind();
    expect(store.runs.get('t-1/i-1')?.errorInfo).toBe('');
    store.transaction(() => store.runs.put(runRecord('t-1', 'i-1', 'Success')));
    behind();
    expect(store.runs.get('t-1/i-1')?.errorInfo).toBe('behind');
    other.close();
    store.close();
  });

  it('forgets the runs a failed transaction wrote, so the next commit cannot keep them', () => {
    const file = join(dir, 'written-rollback.sqlite');
    const store = storeWithRuns(file, ['i-1', 'i-2', 'i-3']);
    expect(() => store.transaction(() => {
      store.runs.put(runRecord('t-1', 'i-1', 'Running'));
      throw new Error('rolled back');
    })).toThrowError('rolled back');
    // A savepoint that fails inside a transaction that commits: only its own write is undone.
    store.transaction(() => {
      store.runs.put(runRecord('t-1', 'i-2', 'Running'));
      expect(() => store.transaction(() => {
        store.runs.put(runRecord('t-1', 'i-3', 'Running'));
        throw new Error('this part fails');
      })).toThrowError('this part fails');
    });
    const reader = new Database(file, { readonly: true });
    const stored = (id: string): unknown => (reader.prepare('SELECT status FROM instance_runs WHERE id = ?').get(id) as { status: string }).status;
    for (const id of ['i-1', 'i-2', 'i-3']) expect({ id, status: store.runs.get(`t-1/${id}`)?.status }).toEqual({ id, status: stored(`t-1/${id}`) });
    expect(['i-1', 'i-2', 'i-3'].map((id) => stored(`t-1/${id}`))).toEqual(['Pending', 'Running', 'Pending']);
    // Written again from what SQLite holds: the before-image (the run counts follow it) is right.
    store.transaction(() => {
      for (const id of ['i-1', 'i-2', 'i-3']) store.runs.put(runRecord('t-1', id, 'Success'));
    });
    expect(reader.prepare('SELECT status, n FROM invocation_run_counts WHERE invoke_id = ? AND n <> 0 ORDER BY status').all('t-1')).toEqual([{ status: 'Success', n: 3 }]);
    reader.close();
    store.close();
  });

  it('forgets the kept runs when the retention purge deletes rows behind the table', () => {
    const file = join(dir, 'written-purge.sqlite');
    const store = storeWithRuns(file, ['i-1']);
    expect(store.runs.get('t-1/i-1')?.status).toBe('Pending');
    // A data dir from before the derived status column: an old invocation without one is purged,
    // its live run with it.
    const other = new Database(file);
    other.prepare("UPDATE invocations SET invoke_status = NULL WHERE id = 't-1'").run();
    other.close();
    expect(store.retention.purgeBefore('2026-12-01T00:00:00Z').runs).toBe(1);
    expect(store.runs.get('t-1/i-1')).toBeUndefined();
    store.close();
  });
});
