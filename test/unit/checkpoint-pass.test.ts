import { describe, expect, it } from 'vitest';
import { afterCheckpoint, checkpointDue, FIRST_PASS, type CheckpointPassState } from '../../controlplane/store/checkpoint-pass.js';

const seen = (over: Partial<CheckpointPassState> = {}): CheckpointPassState => ({ seenVersion: 7, caughtUp: true, backfilled: 400, ...over });

describe('the checkpoint worker’s pass rule', () => {
  it.each([
    ['the first pass', FIRST_PASS, 1, true],
    ['a commit since the last pass', seen(), 8, true],
    ['frames left by the last pass', seen({ caughtUp: false }), 7, true],
    ['nothing new, all copied', seen(), 7, false],
  ])('checkpoints after %s: %s', (_name, state, version, due) => {
    expect(checkpointDue(state, version)).toBe(due);
  });

  it.each([
    // [name, state before, data_version, answer, copied, soon, state after]
    ['a commit copied whole (the WAL started over, fewer frames than before)', seen(), 8, { busy: 0, log: 300, checkpointed: 300 }, true, true, { seenVersion: 8, caughtUp: true, backfilled: 300 }],
    ['a commit copied in part (a reader holds the rest)', seen(), 8, { busy: 0, log: 900, checkpointed: 500 }, true, true, { seenVersion: 8, caughtUp: false, backfilled: 500 }],
    ['a commit of which nothing could be copied yet', seen(), 8, { busy: 0, log: 900, checkpointed: 0 }, false, false, { seenVersion: 8, caughtUp: false, backfilled: 0 }],
    ['a retry that copies the rest of the same WAL', seen({ caughtUp: false, backfilled: 500 }), 7, { busy: 0, log: 900, checkpointed: 900 }, true, true, { seenVersion: 7, caughtUp: true, backfilled: 900 }],
    ['a retry that gets no further', seen({ caughtUp: false, backfilled: 500 }), 7, { busy: 0, log: 900, checkpointed: 500 }, false, false, { seenVersion: 7, caughtUp: false, backfilled: 500 }],
    ['a checkpoint that could not run (-1 frames)', seen(), 8, { busy: 0, log: -1, checkpointed: -1 }, false, true, { seenVersion: 7, caughtUp: false, backfilled: 400 }],
    ['a busy checkpoint', seen(), 8, { busy: 1, log: 900, checkpointed: 0 }, false, true, { seenVersion: 7, caughtUp: false, backfilled: 400 }],
  ])('%s', (_name, state, version, answer, copied, soon, after) => {
    const outcome = afterCheckpoint(state, version, answer);
    expect(outcome).toEqual({ state: after, copied, soon });
    // A commit that could not be checkpointed is still due at the next pass.
    if (answer.log < 0 || answer.busy !== 0) expect(checkpointDue(outcome.state, version)).toBe(true);
  });
});
