import { describe, expect, it } from 'vitest';
import { deferredRun } from '../../agent/runner/deferred-run.js';
import type { ScriptRun, ScriptRunResult } from '../../agent/runner/types.js';

const result = (kind: 'exited' | 'killed'): ScriptRunResult => ({
  outcome: kind === 'killed' ? { kind: 'killed' } : { kind: 'exited', exitCode: 0 },
  output: Buffer.alloc(0),
  dropped: 0,
  startedAt: null,
  finishedAt: new Date(0),
});

/** A run that ends when cancelled, or with exit 0 when `finish` is called; counts cancels. */
function fakeRun(): ScriptRun & { finish(): void; cancels: number } {
  let settle!: (r: ScriptRunResult) => void;
  const done = new Promise<ScriptRunResult>((resolve) => (settle = resolve));
  const run = { done, cancels: 0, finish: () => settle(result('exited')), cancel: () => { run.cancels += 1; settle(result('killed')); } };
  return run;
}

describe('deferredRun', () => {
  it('settles with the run that its runner starts', async () => {
    const inner = fakeRun();
    const run = deferredRun(async () => inner);
    await Promise.resolve();
    inner.finish();
    expect((await run.done).outcome.kind).toBe('exited');
  });

  it('passes on a cancel that comes while the runner is still loading', async () => {
    const inner = fakeRun();
    let load!: () => void;
    const loaded = new Promise<void>((resolve) => (load = resolve));
    const run = deferredRun(async () => {
      await loaded;
      return inner;
    });
    run.cancel();
    expect(inner.cancels).toBe(0);
    load();
    expect((await run.done).outcome.kind).toBe('killed');
    expect(inner.cancels).toBe(1);
  });

  it('passes on a cancel after the run has started', async () => {
    const inner = fakeRun();
    const run = deferredRun(async () => inner);
    await new Promise((resolve) => setImmediate(resolve));
    run.cancel();
    expect((await run.done).outcome.kind).toBe('killed');
    expect(inner.cancels).toBe(1);
  });
});
