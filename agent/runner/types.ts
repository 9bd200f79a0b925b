import type { OutputBuffer } from '../../shared/output-buffer.js';
import type { TaskOutcome } from '../../shared/protocol.js';
import type { SpareScriptFile } from './spare-script-file.js';
import type { StandbySlot } from './standby-slot.js';

export interface ScriptRunOptions {
  /**
   * Where script files are written (created 0755 when missing). Scripts run as another user are
   * read from here by that user, so every directory on the path must be searchable by them (the
   * real agent uses `/tmp` in that case).
   */
  scriptDir: string;
  /** The clock for `startedAt` / `finishedAt`; default `new Date()`. */
  now?: () => Date;
  /**
   * The agent's session shell started ahead (standby-slot.ts), for scripts run as the agent's
   * own user; without it every run starts its PTY session when its task arrives.
   */
  standby?: StandbySlot;
  /** An empty file made ahead in `scriptDir` (spare-script-file.ts), which the script file is written into; the runner makes the next once the script has started. */
  spare?: SpareScriptFile;
}

export interface ScriptRunCallbacks {
  /** The script process was spawned (not called when a pre-check or preparation fails). */
  onStarted(at: Date): void;
  /** Raw output bytes (stdout and stderr interleaved), in order, as they arrive. */
  onOutput(chunk: Buffer): void;
}

export interface ScriptRunResult {
  outcome: TaskOutcome;
  /** The retained output: head + tail (shared/output-buffer.ts). */
  output: Buffer;
  /** Bytes cut from the middle of the output. */
  dropped: number;
  /** null when the script never started. */
  startedAt: Date | null;
  finishedAt: Date;
}

export interface ScriptRun {
  /** Settles once, with the final result; never rejects. */
  readonly done: Promise<ScriptRunResult>;
  /**
   * Stops the run: kills the script per the task's `terminationMode` (or keeps it from starting)
   * and reports `{ kind: 'killed' }`. A no-op once the run has ended or is already being stopped.
   */
  cancel(): void;
}

/** A run's final result from its outcome and its output buffer (host and container runners). */
export function runResult(outcome: TaskOutcome, buffer: OutputBuffer, startedAt: Date | null, finishedAt: Date): ScriptRunResult {
  return { outcome, output: buffer.contents(), dropped: buffer.dropped, startedAt, finishedAt };
}
