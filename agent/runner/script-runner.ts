import { accessSync, constants, statSync } from 'node:fs';
import { OutputBuffer } from '../../shared/output-buffer.js';
import type { NotStartedReason, TaskOutcome, TaskSpec } from '../../shared/protocol.js';
import { lookupUserByName, lookupUserByUid, type PasswdEntry } from './passwd.js';
import { killProcessGroup, terminate } from './process-tree.js';
import { STANDARD_PATH, scriptEnvironment } from './pty-environment.js';
import { PtySession } from './pty-session.js';
import { scriptArgv } from './launcher.js';
import { writeScriptFile } from './script-file.js';
import { runResult, type ScriptRun, type ScriptRunCallbacks, type ScriptRunOptions, type ScriptRunResult } from './types.js';

export type { ScriptRun, ScriptRunCallbacks, ScriptRunOptions, ScriptRunResult } from './types.js';
export { StandbySlot } from './standby-slot.js';
export { SpareScriptFile } from './spare-script-file.js';

/** setTimeout's ceiling (~24.8 days); longer timeouts are capped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why the agent ended the run itself (the first reason wins). */
type StopReason = 'timed-out' | 'killed';

/** A pre-check or preparation failed: the script is not started. */
class NotStarted extends Error {
  constructor(readonly reason: NotStartedReason, detail: string) {
    super(detail);
  }
}

/** What the pre-checks settled: who runs the script, where, and how to switch to them. */
interface RunPlan {
  user: PasswdEntry;
  cwd: string;
  /** Path of setpriv when the script runs as another user; null to run as the agent's user. */
  setpriv: string | null;
}

/**
 * Runs one task's script on this host, like the real agent's HostProcessor (pre-check →
 * prepare → run → cancel), but in a PTY made to behave like pipes (../../shared/DESIGN.md §2).
 */
export function runScript(task: TaskSpec, callbacks: ScriptRunCallbacks, options: ScriptRunOptions): ScriptRun {
  const execution = new ScriptExecution(task, callbacks, options);
  return { done: execution.done, cancel: () => execution.stop('killed') };
}

class ScriptExecution {
  readonly done: Promise<ScriptRunResult>;
  private readonly now: () => Date;
  private readonly buffer = new OutputBuffer();
  private stopReason: StopReason | null = null;
  private session: PtySession | null = null;
  private finished = false;

  constructor(
    private readonly task: TaskSpec,
    private readonly callbacks: ScriptRunCallbacks,
    private readonly options: ScriptRunOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.done = this.execute();
  }

  /** Timeout or cancel: kill what runs (per terminationMode), or keep it from starting. */
  stop(reason: StopReason): void {
    if (this.finished || this.stopReason !== null) return;
    this.stopReason = reason;
    if (this.session === null) return; // not started yet: execute() sees stopReason
    try {
      terminate(this.task.terminationMode, this.session.pid);
    } catch (error) {
      // Reading /proc failed: at least kill the session's process group.
      process.emitWarning(`could not kill the process tree of task ${this.task.taskId}: ${describeError(error)}`, 'CasimRunnerWarning');
      killProcessGroup(this.session.pid);
    }
  }

  private async execute(): Promise<ScriptRunResult> {
    // runScript returns before anything is checked or started, so that a cancel right after it
    // keeps the script from starting; a microtask, not a turn of the event loop (preCheck).
    await Promise.resolve();
    try {
      const plan = this.preCheck();
      if (this.task.dryRun === true) return this.finish({ kind: 'checks-passed' }, null);
      const scriptPath = this.prepare();
      if (this.stopReason !== null) return this.finish({ kind: this.stopReason }, null);
      return await this.run(scriptPath, plan);
    } catch (error) {
      if (this.stopReason !== null) return this.finish({ kind: this.stopReason }, null);
      if (error instanceof NotStarted) {
        return this.finish({ kind: 'not-started', reason: error.reason, detail: error.message }, null);
      }
      return this.finish({ kind: 'not-started', reason: 'exception', detail: describeError(error) }, null);
    }
  }

  /**
   * The user must exist and the working directory must be a directory (the real agent reports
   * both as task/invalid); switching user needs root and setpriv.
   *
   * Synchronous, like the passwd read and the script file: a stat is a few microseconds, while
   * an asynchronous one is a round trip through the thread pool, and the agent gives its event
   * loop away in the middle of starting the script (in bench/invoke-latency.ts the control
   * plane's handling of the task-ack, ~0.2 ms, then ran before the fork). From the task's
   * arrival to the fork the agent does not give up its turn of the event loop.
   */
  private preCheck(): RunPlan {
    const currentUid = process.getuid?.() ?? 0;
    const user = this.task.username === ''
      ? lookupUserByUid(currentUid)
      : lookupUserByName(this.task.username);
    if (user === null) {
      throw new NotStarted('account-not-exists', `the account "${this.task.username}" does not exist in /etc/passwd`);
    }
    const cwd = this.workingDir(user);
    if (user.uid === currentUid) return { user, cwd, setpriv: null };
    if (currentUid !== 0) {
      throw new NotStarted('exception', `cannot run as "${user.name}": the agent does not run as root`);
    }
    const setpriv = findExecutable('setpriv');
    if (setpriv === null) {
      throw new NotStarted('exception', `cannot run as "${user.name}": setpriv (util-linux) is not installed`);
    }
    return { user, cwd, setpriv };
  }

  /**
   * The task's directory, which must be a directory; when none is given, the user's home, else
   * `/` (one stat either way).
   */
  private workingDir(user: PasswdEntry): string {
    if (this.task.workingDir === '') return isDirectory(user.home) ? user.home : '/';
    if (!isDirectory(this.task.workingDir)) {
      throw new NotStarted('directory-not-exists', `the working directory "${this.task.workingDir}" does not exist or is not a directory`);
    }
    return this.task.workingDir;
  }

  private prepare(): string {
    try {
      return writeScriptFile(this.options.scriptDir, this.task, this.options.spare?.take() ?? null);
    } catch (error) {
      throw new NotStarted('exception', `could not save the script file: ${describeError(error)}`);
    }
  }

  private async run(scriptPath: string, { user, cwd, setpriv }: RunPlan): Promise<ScriptRunResult> {
    const env = scriptEnvironment(user);
    const standby = setpriv === null && this.options.standby !== undefined ? await this.options.standby.take(env) : null;
    if (this.stopReason !== null) {
      standby?.dispose();
      return this.finish({ kind: this.stopReason }, null);
    }
    let session: PtySession;
    try {
      session = new PtySession({
        argv: scriptArgv(scriptPath, this.task.launcher),
        cwd,
        env,
        standby,
        switchTo: setpriv === null ? null : { user, setprivPath: setpriv },
        onOutput: (chunk) => {
          this.buffer.append(chunk);
          this.notify(() => this.callbacks.onOutput(chunk));
        },
      });
    } catch (error) {
      throw new NotStarted('exception', `could not start the script: ${describeError(error)}`);
    }
    this.session = session;
    const startedAt = this.now();
    this.notify(() => this.callbacks.onStarted(startedAt));
    // The next run's file is made while this one runs, after its start report has gone out.
    const spare = this.options.spare;
    if (spare !== undefined) setImmediate(() => spare.prepare());

    const timeoutMs = Math.min(this.task.timeoutSeconds * 1000, MAX_TIMER_MS);
    const timer = Number.isFinite(timeoutMs) && timeoutMs > 0 ? setTimeout(() => this.stop('timed-out'), timeoutMs) : null;
    try {
      const exit = await session.exited;
      const outcome: TaskOutcome = this.stopReason !== null
        ? { kind: this.stopReason }
        : { kind: 'exited', exitCode: exit.signal > 0 ? 128 + exit.signal : exit.exitCode };
      return this.finish(outcome, startedAt);
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
  }

  private finish(outcome: TaskOutcome, startedAt: Date | null): ScriptRunResult {
    this.finished = true;
    return runResult(outcome, this.buffer, startedAt, this.now());
  }

  /** A callback that throws must not break the run; its error is surfaced as a process warning. */
  private notify(call: () => void): void {
    try {
      call();
    } catch (error) {
      process.emitWarning(`script runner callback failed for task ${this.task.taskId}: ${describeError(error)}`, 'CasimRunnerWarning');
    }
  }
}

function findExecutable(name: string): string | null {
  for (const dir of STANDARD_PATH.split(':')) {
    const path = `${dir}/${name}`;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here: the next directory
    }
  }
  return null;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
