import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { OutputBuffer } from '../../shared/output-buffer.js';
import type { TaskOutcome, TaskSpec } from '../../shared/protocol.js';
import { killMarkedProcesses, markerEnv, newExecMarker } from './container-kill.js';
import { ContainerCheckError, containerSelector, resolveContainer, type ContainerTarget } from './container-target.js';
import { DockerFrameDecoder } from './docker-frames.js';
import { runResult, type ScriptRun, type ScriptRunCallbacks, type ScriptRunResult } from './types.js';

export interface ContainerRunOptions {
  /** The Docker Engine API client; default `new Docker()` (DOCKER_HOST, else /var/run/docker.sock). */
  docker?: Docker;
  /** The clock for `startedAt` / `finishedAt`; default `new Date()`. */
  now?: () => Date;
  /** Limit for each Docker API call before the run counts as a runtime error (the real agent: 10 s). */
  apiTimeoutMs?: number;
  /** How often the exec is inspected once its output stream has ended (it may still run). */
  inspectIntervalMs?: number;
  /** After a kill, how long to wait for the exec to end before reporting anyway. */
  killGraceMs?: number;
}

/** setTimeout's ceiling (~24.8 days); longer timeouts are capped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type StopReason = 'timed-out' | 'killed';

/**
 * Runs one task's script inside a container on this instance through the Docker Engine API,
 * like the real agent's DockerProcessor (spec/reference-agent.md §2.7), with runScript's
 * ScriptRun contract:
 *   - the container is found by ID (`docker://`, `containerd://`, `cri-o://` stripped) and/or
 *     name (container-target.ts); not found, not running, or an ID whose container has another
 *     name → not-started with the matching reason, and nothing runs;
 *   - the script runs inline as `["/bin/sh", "-c", script]` with `Tty: false` (no script file,
 *     no PTY); stdout and stderr are demultiplexed into one stream in arrival order (Docker
 *     carries them through separate pipes, so writes to both within a few ms may swap, as with
 *     the real agent);
 *   - RepeatMode=DryRun (`task.dryRun`): those checks only, then `checks-passed`;
 *   - **Username, WorkingDir and Launcher are ignored** (the API docs: "Username/WorkingDir
 *     ignored" for containers): the exec runs as the container's user, in its working directory;
 *   - the exit code comes from exec inspect; timeout → `timed-out` and cancel → `killed`, with
 *     the script's processes killed inside the container per TerminationMode (container-kill.ts).
 */
export function runInContainer(task: TaskSpec, callbacks: ScriptRunCallbacks, options: ContainerRunOptions = {}): ScriptRun {
  const execution = new ContainerExecution(task, callbacks, options);
  return { done: execution.done, cancel: () => execution.stop('killed') };
}

/** What is running: the exec to inspect and how to kill it. */
interface LiveExec {
  docker: Docker;
  target: ContainerTarget;
  exec: Docker.Exec;
  marker: string;
  stream: Duplex;
}

class ContainerExecution {
  readonly done: Promise<ScriptRunResult>;
  private readonly now: () => Date;
  private readonly apiTimeoutMs: number;
  private readonly inspectIntervalMs: number;
  private readonly killGraceMs: number;
  private readonly buffer = new OutputBuffer();
  private stopReason: StopReason | null = null;
  private live: LiveExec | null = null;
  private finished = false;
  /** Settles killGraceMs after a kill was sent: the run then ends even if Docker never says so. */
  private readonly gaveUp: Promise<'gave-up'>;
  private giveUp: () => void = () => undefined;

  constructor(
    private readonly task: TaskSpec,
    private readonly callbacks: ScriptRunCallbacks,
    private readonly options: ContainerRunOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.apiTimeoutMs = options.apiTimeoutMs ?? 10_000;
    this.inspectIntervalMs = options.inspectIntervalMs ?? 250;
    this.killGraceMs = options.killGraceMs ?? 10_000;
    this.gaveUp = new Promise((resolve) => (this.giveUp = () => resolve('gave-up')));
    this.done = this.execute();
  }

  /** Timeout or cancel: kill what runs in the container, or keep it from starting. */
  stop(reason: StopReason): void {
    if (this.finished || this.stopReason !== null) return;
    this.stopReason = reason;
    if (this.live !== null) this.kill(this.live); // else: not started yet, execute() sees stopReason
  }

  private kill(live: LiveExec): void {
    void this.withTimeout(killMarkedProcesses(live.docker, live.target.id, live.marker, this.task.terminationMode), 'kill the script').then(
      () => undefined,
      (error: unknown) => {
        // E.g. the container stopped meanwhile (its processes died with it): nothing left to kill.
        this.warn(`could not kill the script of task ${this.task.taskId} in container ${live.target.id}: ${describeError(error)}`);
      },
    );
    setTimeout(() => this.giveUp(), this.killGraceMs).unref();
  }

  private async execute(): Promise<ScriptRunResult> {
    let startedAt: Date | null = null;
    try {
      const docker = this.options.docker ?? (await loadDocker());
      const target = await this.preCheck(docker);
      if (this.task.dryRun === true) return this.finish({ kind: 'checks-passed' }, null);
      if (this.stopReason !== null) return this.finish({ kind: this.stopReason }, null);
      const live = await this.start(docker, target);
      this.live = live;
      startedAt = this.now();
      const at = startedAt;
      this.notify(() => this.callbacks.onStarted(at));
      if (this.stopReason !== null) this.kill(live); // cancelled while the exec was starting
      return await this.run(live, startedAt);
    } catch (error) {
      if (this.stopReason !== null) return this.finish({ kind: this.stopReason }, startedAt);
      if (error instanceof ContainerCheckError) {
        return this.finish({ kind: 'not-started', reason: error.reason, detail: error.message }, startedAt);
      }
      // Reported like the real agent: ContainerConnectFailed before anything ran, else ContainerRuntimeInternalError.
      const reason = startedAt === null && isConnectionError(error) ? 'container-connect-failed' : 'container-runtime-error';
      return this.finish({ kind: 'not-started', reason, detail: describeError(error) }, startedAt);
    }
  }

  private async preCheck(docker: Docker): Promise<ContainerTarget> {
    const selector = containerSelector(this.task.containerId, this.task.containerName);
    return this.withTimeout(resolveContainer(docker, selector), 'look up the container');
  }

  private async start(docker: Docker, target: ContainerTarget): Promise<LiveExec> {
    const marker = newExecMarker();
    const container = docker.getContainer(target.id);
    const exec = await this.withTimeout(
      container.exec({
        Cmd: ['/bin/sh', '-c', this.task.script],
        Env: [markerEnv(marker)],
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      }),
      'create the exec',
    );
    const stream = await this.withTimeout(exec.start({ hijack: true, stdin: false, Detach: false, Tty: false }), 'start the exec');
    return { docker, target, exec, marker, stream };
  }

  private async run(live: LiveExec, startedAt: Date): Promise<ScriptRunResult> {
    const timeoutMs = Math.min(this.task.timeoutSeconds * 1000, MAX_TIMER_MS);
    const timer = Number.isFinite(timeoutMs) && timeoutMs > 0 ? setTimeout(() => this.stop('timed-out'), timeoutMs) : null;
    try {
      await Promise.race([this.drain(live.stream), this.gaveUp]);
      const exitCode = await Promise.race([this.waitForExit(live.exec), this.gaveUp]);
      if (this.stopReason !== null) return this.finish({ kind: this.stopReason }, startedAt);
      if (exitCode === 'gave-up') throw new Error('the exec did not end');
      return this.finish({ kind: 'exited', exitCode }, startedAt);
    } finally {
      if (timer !== null) clearTimeout(timer);
      live.stream.destroy();
    }
  }

  /** Streams the exec's output until Docker closes it (the process and its children closed it, or it exited). */
  private drain(stream: Duplex): Promise<void> {
    const decoder = new DockerFrameDecoder();
    return new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        for (const payload of decoder.push(chunk)) {
          this.buffer.append(payload);
          this.notify(() => this.callbacks.onOutput(payload));
        }
      });
      // The connection may end without 'end' (reset): either way, exec inspect says what happened.
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', (error) => {
        this.warn(`the output stream of task ${this.task.taskId} failed: ${describeError(error)}`);
        resolve();
      });
    });
  }

  /**
   * Polls exec inspect until the process has exited. Docker closes the stream at most ~2 s after
   * the process exits, but a script that closed its stdout and stderr runs on after the stream
   * ended: keep waiting then (the timeout still applies).
   */
  private async waitForExit(exec: Docker.Exec): Promise<number> {
    // Stops polling once the run has ended another way (gave up after a kill).
    while (!this.finished) {
      const info = await this.withTimeout(exec.inspect(), 'inspect the exec');
      if (!info.Running) {
        if (info.ExitCode === null) throw new Error('Docker reports no exit code for the exec');
        return info.ExitCode;
      }
      await new Promise((resolve) => setTimeout(resolve, this.inspectIntervalMs));
    }
    return -1;
  }

  private finish(outcome: TaskOutcome, startedAt: Date | null): ScriptRunResult {
    this.finished = true;
    return runResult(outcome, this.buffer, startedAt, this.now());
  }

  /** A small primitive: the Docker call, or a rejection after apiTimeoutMs. */
  private async withTimeout<T>(call: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Docker did not answer within ${this.apiTimeoutMs} ms (${what})`)), this.apiTimeoutMs);
    });
    try {
      return await Promise.race([call, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A callback that throws must not break the run; its error is surfaced as a process warning. */
  private notify(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.warn(`container runner callback failed for task ${this.task.taskId}: ${describeError(error)}`);
    }
  }

  private warn(message: string): void {
    process.emitWarning(message, 'CasimRunnerWarning');
  }
}

/** Loaded on first use, so an agent that never runs in a container never loads the Docker client. */
async function loadDocker(): Promise<Docker> {
  const { default: DockerClient } = await import('dockerode');
  return new DockerClient();
}

/** The Docker daemon cannot be reached at all (no socket, refused, no permission). */
function isConnectionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'EPERM';
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
