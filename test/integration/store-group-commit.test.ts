import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../controlplane/store/store.js';
import { removeDir } from '../support/harness.js';
import { invocationRecord, runRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-group-'));
afterAll(() => removeDir(dir));

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
});
