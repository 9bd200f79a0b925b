/** What `PRAGMA wal_checkpoint(PASSIVE)` answered: busy 1 or -1 frames when it could not run. */
export interface CheckpointAnswer {
  busy: number;
  log: number;
  checkpointed: number;
}

/** What the checkpoint worker remembers between passes. */
export interface CheckpointPassState {
  /** The connection's `data_version` at the last pass that ran (it moves with other connections' commits). */
  seenVersion: number;
  /** Whether that pass copied the whole WAL. */
  caughtUp: boolean;
  /** Frames of the WAL copied so far (the writer starts the WAL over after a commit). */
  backfilled: number;
}

export const FIRST_PASS: CheckpointPassState = { seenVersion: -1, caughtUp: false, backfilled: 0 };

/** Whether a pass should checkpoint at all: a commit came since, or the last one left frames. */
export function checkpointDue(state: CheckpointPassState, version: number): boolean {
  return version !== state.seenVersion || !state.caughtUp;
}

/**
 * The worker's rule after one checkpoint (pure; the worker runs this function's own source):
 * `copied` says the pass copied frames no earlier pass had (copiedAfter waits for those);
 * `soon` asks for the next pass at the busy interval. A checkpoint that could not run leaves
 * the commit unseen, so the next pass tries again as if it were new.
 */
export function afterCheckpoint(state: CheckpointPassState, version: number, answer: CheckpointAnswer): { state: CheckpointPassState; copied: boolean; soon: boolean } {
  if (answer.busy !== 0 || answer.log < 0) return { state: { ...state, caughtUp: false }, copied: false, soon: true };
  // After a commit the WAL may have started over: any frame copied is new. Without one (a pass
  // that had copied only part of it), the frames copied beyond the last pass's.
  const copied = version !== state.seenVersion ? answer.checkpointed > 0 : answer.checkpointed > state.backfilled;
  return { state: { seenVersion: version, caughtUp: answer.checkpointed === answer.log, backfilled: answer.checkpointed }, copied, soon: copied };
}
