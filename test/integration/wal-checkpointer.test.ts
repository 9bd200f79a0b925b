import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../controlplane/store/store.js';
import type { CheckpointMode, CheckpointResult } from '../../controlplane/store/wal-checkpointer.js';
import { removeDir } from '../support/harness.js';
import { commandRecord } from '../support/store-records.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-checkpoints-'));
afterAll(() => removeDir(dir));

type Reported = CheckpointResult & { mode: CheckpointMode };

/** The worker's reports; `next(mode)` resolves with the next one of that mode. */
function reports(): { next: (mode: CheckpointMode) => Promise<Reported>; all: Reported[]; hear: (r: Reported) => void } {
  const all: Reported[] = [];
  const waiting: Array<{ mode: CheckpointMode; resolve: (r: Reported) => void }> = [];
  return {
    all,
    hear: (r) => {
      all.push(r);
      for (const w of waiting.splice(0)) {
        if (w.mode === r.mode) w.resolve(r);
        else waiting.push(w);
      }
    },
    next: (mode) => new Promise((resolve) => waiting.push({ mode, resolve })),
  };
}

/** One committed transaction of `count` commands (a few pages of log each). */
function commit(store: Store, round: number, count = 5): void {
  store.transaction(() => {
    for (let k = 0; k < count; k += 1) store.commands.add(commandRecord(`c-${round}-${k}`, { description: 'x'.repeat(2_000) }));
  });
}

const walBytes = (file: string): number => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
const PAGE = 4096;

describe('WAL checkpoints on a worker thread', () => {
  it('the worker checkpoints what the event loop commits, and the log restarts instead of growing', async () => {
    const file = join(dir, 'worker.sqlite');
    const heard = reports();
    const store = new Store(file, { checkpoints: { intervalMs: 0, onCheckpoint: heard.hear } });
    try {
      const logs: number[] = [];
      let walAfterFirst = 0;
      for (let round = 0; round < 30; round += 1) {
        const report = heard.next('PASSIVE');
        commit(store, round);
        const result = await report;
        // The worker's pass put the whole log into the file.
        expect(result.busy).toBe(0);
        expect(result.checkpointed).toBe(result.log);
        logs.push(result.log);
        if (round === 0) walAfterFirst = walBytes(file);
      }
      // The first pass covers the schema made at open; after it each round's log starts afresh
      // (restarted at the next transaction), so the log holds one round's frames, not the sum.
      const rounds = logs.slice(1);
      expect(Math.max(...rounds)).toBeLessThan(3 * Math.min(...rounds));
      expect(rounds.reduce((a, b) => a + b, 0)).toBeGreaterThan(logs[0]!);
      expect(walBytes(file)).toBe(walAfterFirst);
      expect(heard.all.every((r) => r.mode === 'PASSIVE')).toBe(true);
      expect(store.commands.get('c-29-4')?.description).toHaveLength(2_000);
    } finally {
      store.close();
    }
  });

  it('under steady writes, at restartFrames a RESTART pass makes the next writer start the log afresh', async () => {
    const file = join(dir, 'restart.sqlite');
    const heard = reports();
    const store = new Store(file, { checkpoints: { intervalMs: 0, restartFrames: 200, onCheckpoint: heard.hear } });
    try {
      // Commits keep coming while the worker checkpoints (one per turn of the event loop); each
      // waits in the busy handler while a RESTART pass holds the write lock.
      let round = 0;
      let restarted = false;
      const restart = heard.next('RESTART');
      void restart.then(() => (restarted = true));
      while (!restarted && round < 5_000) {
        commit(store, round++, 2);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const result = await restart;
      expect(result.busy).toBe(0);
      expect(result.checkpointed).toBe(result.log);
      // After it the log is short again: the next pass sees only what came since.
      const after = heard.next('PASSIVE');
      commit(store, round++, 2);
      expect((await after).log).toBeLessThan(result.log);
      expect(store.commands.get(`c-${round - 1}-1`)).toBeDefined();
    } finally {
      store.close();
    }
  });

  it("a worker that cannot start leaves the connection on SQLite's own checkpoints, and the store working", async () => {
    const file = join(dir, 'failed.sqlite');
    let failure: Error | undefined;
    let heardFailure: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => (heardFailure = resolve));
    const store = new Store(file, {
      checkpoints: { driver: join(dir, 'no-such-driver.js'), onFailed: (error) => { failure = error; heardFailure(); } },
    });
    commit(store, 0);
    await failed;
    try {
      expect(failure?.message).toMatch(/no-such-driver/);
      // ~2,500 pages of log: with no checkpoint at all the WAL would hold every one of them.
      for (let round = 1; round <= 500; round += 1) commit(store, round);
      expect(walBytes(file)).toBeLessThan(1_500 * (PAGE + 24));
      expect(store.commands.get('c-500-4')).toBeDefined();
    } finally {
      store.close();
    }
  });
});
