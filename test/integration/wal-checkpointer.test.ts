import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../controlplane/store/store.js';
import { checkpointOnWorker, WalCheckpointer } from '../../controlplane/store/wal-checkpointer.js';
import { removeDir } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-checkpoints-'));
afterAll(() => removeDir(dir));

const PAGE = 4096;
const BATCH = 400;

/** One transaction of BATCH client tokens of about a page each (BATCH frames and more in the WAL). */
function writeBatch(store: Store, batch: number): void {
  store.transaction(() => {
    for (let i = 0; i < BATCH; i += 1) {
      store.clientTokens.add({ key: `k-${batch}-${i}`, fingerprint: '0', body: { pad: 'x'.repeat(PAGE) }, creationTime: '2026-12-01T00:00:00Z' });
    }
  });
}

const walSize = (file: string): number => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;

describe('WAL checkpoints on a worker thread', () => {
  it('copies the WAL into the database file off the event loop, so the WAL rewinds and stays bounded', async () => {
    const file = join(dir, 'worker.sqlite');
    const store = new Store(file, { checkpointer: checkpointOnWorker });
    const checkpointer = store.checkpointer!;
    expect(checkpointer).toBeDefined();
    let largest = 0;
    for (let batch = 0; batch < 12; batch += 1) {
      const passes = checkpointer.passes();
      writeBatch(store, batch);
      largest = Math.max(largest, walSize(file));
      // The worker copies what the commit left; the next write then starts the WAL over.
      await checkpointer.copiedAfter(passes);
    }
    // 12 batches of > BATCH pages each went through the WAL; without the worker (and with the
    // commits' own checkpoints off) it would hold all of them.
    const written = 12 * BATCH * PAGE;
    expect(largest).toBeGreaterThan(BATCH * PAGE);
    expect(largest).toBeLessThan(written / 3);
    store.close();
    // The store's connection was the last: its close checkpointed and removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare('SELECT COUNT(*) AS n FROM client_tokens').get()).toEqual({ n: 12 * BATCH });
    reopened.close();
  });

  it('closes while the worker is still starting, leaving no WAL behind', () => {
    const file = join(dir, 'quick.sqlite');
    const store = new Store(file, { checkpointer: checkpointOnWorker });
    writeBatch(store, 0);
    store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('checkpoints in the commits by default (no worker)', () => {
    const file = join(dir, 'inline.sqlite');
    const store = new Store(file);
    expect(store.checkpointer).toBeUndefined();
    for (let batch = 0; batch < 6; batch += 1) writeBatch(store, batch);
    // SQLite's own checkpoint after each commit past 1,000 frames: the WAL is rewound, never all six.
    expect(walSize(file)).toBeLessThan(6 * BATCH * PAGE);
    store.close();
  });

  it('reports a worker that cannot open its file', async () => {
    const lost = new Promise<unknown>((resolve) => {
      const checkpointer = new WalCheckpointer(join(dir, 'missing', 'none.sqlite'), resolve);
      expect(checkpointer.passes()).toBe(0);
    });
    expect(String(await lost)).toMatch(/unable to open|directory does not exist|SQLITE_CANTOPEN/i);
  });

  it('checkpoints in the commits again once its checkpointer has ended', async () => {
    const file = join(dir, 'fallback.sqlite');
    let ended!: () => void;
    const gone = new Promise<void>((resolve) => (ended = resolve));
    // A real worker that cannot open its file (a missing directory), as a worker that dies would end.
    const store = new Store(file, {
      checkpointer: (_file, onLost) => new WalCheckpointer(join(dir, 'missing', 'none.sqlite'), (error) => {
        onLost(error);
        ended();
      }),
    });
    await gone;
    for (let batch = 0; batch < 6; batch += 1) writeBatch(store, batch);
    // The store's own checkpoints are back: the WAL was rewound, it does not hold all six batches.
    expect(walSize(file)).toBeLessThan(6 * BATCH * PAGE);
    store.close();
  });
});
