import { hostname as osHostname, tmpdir } from 'node:os';
import { runKeyOf } from '../shared/task-keys.js';
import { join } from 'node:path';
import { WebSocket } from './ws-client.js';
import type { Logger } from '../shared/logger.js';
import { AGENT_PATH, CLOSE_CODES, MAX_SERVER_FRAME_BYTES, PROTOCOL_VERSION } from '../shared/protocol-constants.js';
import type {
  AgentMessage,
  MachineFacts,
  ServerMessage,
  TaskFinishedMessage,
  TaskSpec,
} from '../shared/protocol.js';
import { parseServerFrame } from './server-frames.js';
import { AGENT_VERSION } from '../shared/version.js';
import { backoffDelay } from './backoff.js';
import { consumeColdStart } from './cold-start.js';
import { loadIdentity, saveIdentity, type AgentIdentity } from './identity-store.js';
import { powerActionOf, type PowerAction } from '../shared/power-action.js';
import { runPowerAction } from './power-action.js';
import { TaskJournal } from './task-journal.js';
import { FileReceiver } from './file-receiver.js';
import { targetsContainer } from './runner/container-target.js';
import { deferredRun } from './runner/deferred-run.js';
import { OutputStreamer } from './output-streamer.js';
import { gatherMachineFacts } from './machine-facts.js';
import { localTimeZone } from './local-time-zone.js';
import { ReportOutbox } from './report-outbox.js';
import type { SpareScriptFile } from './runner/spare-script-file.js';
import type { StandbySlot } from './runner/standby-slot.js';
import { standsForTaskAck } from '../shared/ack-rules.js';

/** Unacknowledged messages are re-sent this often while connected (and on every welcome). */
const RESEND_MS = 5_000;

// The runners, imported with the first task that needs each (deferred-run.ts); later tasks await
// the same settled promise (a microtask) instead of asking the module loader again.
let scriptRunnerModule: Promise<typeof import('./runner/script-runner.js')> | undefined;
let containerRunnerModule: Promise<typeof import('./runner/container-runner.js')> | undefined;
const scriptRunner = (): Promise<typeof import('./runner/script-runner.js')> => (scriptRunnerModule ??= import('./runner/script-runner.js'));
const containerRunner = (): Promise<typeof import('./runner/container-runner.js')> => (containerRunnerModule ??= import('./runner/container-runner.js'));

export interface AgentOptions {
  /** `http://127.0.0.1:8484` */
  server: string;
  stateDir: string;
  /** Where scripts are written (default DEFAULT_SCRIPT_DIR). */
  scriptDir?: string;
  /** A fixed identity (fleet instances get theirs from the environment). */
  identity?: AgentIdentity;
  activation?: { id: string; code: string };
  /**
   * A machine of your own (managed instance) reboots / powers off on a script's exit code 194 /
   * 193 only when this is set (`casim agent --allow-power-actions`); Docker instances are
   * rebooted by the control plane instead.
   */
  allowPowerActions?: boolean;
  /** What a power action does (default: systemctl reboot / poweroff). */
  powerAction?: (action: PowerAction) => void;
  name?: string;
  logger: Logger;
}

/**
 * Scripts run as other users must be readable by them, and the state dir is private (0700):
 * like the real agent, keep script files under the system temp dir.
 */
export const DEFAULT_SCRIPT_DIR = join(tmpdir(), 'casim-scripts');


/** Above this much unsent data on the socket, live output chunks are skipped. */
const MAX_BUFFERED_OUTPUT_BYTES = 1024 * 1024;


/**
 * One agent: connects to the control plane, proves its identity (or registers through an
 * activation), heartbeats, runs the tasks it is pushed and reports them until acknowledged.
 */
export class Agent {
  private socket: WebSocket | undefined;
  private identity: AgentIdentity | undefined;
  private attempt = 0;
  private stopped = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Runs going, finished-but-unacknowledged and done: survives agent restarts. */
  private readonly journal: TaskJournal;
  /** SendFile files: written at most once, reported until acknowledged. */
  private readonly files: FileReceiver;
  /** Set until the server has welcomed this agent after a boot. */
  private coldStart = false;
  private readonly running = new Map<string, { cancel(): void }>();
  /** The session shell started ahead for host scripts (runner/standby-slot.ts), from the first one on. */
  private standby: StandbySlot | undefined;
  /** The empty file the next host script is written into (runner/spare-script-file.ts), from the first one on. */
  private spare: SpareScriptFile | undefined;
  /**
   * Tasks accepted this turn whose task-ack waits: a start (or, when a check fails, the final
   * report) sent before the next turn stands for it (shared/ack-rules.ts), so a script that
   * starts at once costs no ack frame; a delayed start (a container, the first task's runner
   * import) gets its task-ack at the next turn.
   */
  private readonly ackDue = new Map<string, NodeJS.Immediate>();
  /** Starts and live output not yet acknowledged (final reports are in the journal). */
  private readonly outbox = new ReportOutbox();
  private resender: NodeJS.Timeout | undefined;
  private machine: MachineFacts | undefined;
  private resolveFatal: ((reason: string) => void) | undefined;
  /** Resolves when the server refuses this agent for good (e.g. a wrong secret). */
  readonly fatal: Promise<string>;

  constructor(private readonly options: AgentOptions) {
    this.identity = options.identity ?? loadIdentity(options.stateDir);
    // Decided once per process: the first agent start since the machine booted.
    this.coldStart = this.identity ? consumeColdStart(this.identity.instanceId) : false;
    this.fatal = new Promise((resolve) => (this.resolveFatal = resolve));
    this.journal = new TaskJournal(join(options.stateDir, 'journal.json'));
    this.files = new FileReceiver(join(options.stateDir, 'file-journal.json'), (report) => this.send(report), options.logger);
    for (const report of this.journal.recoverInterrupted(new Date())) {
      options.logger.warn('a run was interrupted by an agent restart', { taskId: report.taskId, run: report.run });
    }
  }

  get instanceId(): string | undefined {
    return this.identity?.instanceId;
  }

  start(): void {
    // The machine's facts are read once (by a child process) and sent with every hello.
    void gatherMachineFacts().then((facts) => {
      this.machine = facts;
      this.connect();
    });
  }

  /** Closes the connection and kills running scripts. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    clearInterval(this.resender);
    for (const due of this.ackDue.values()) clearImmediate(due);
    this.ackDue.clear();
    for (const run of this.running.values()) run.cancel();
    this.standby?.stop();
    this.spare?.stop();
    this.socket?.close();
  }

  private connect(): void {
    if (this.stopped) return;
    const url = this.options.server.replace(/^http/, 'ws').replace(/\/$/, '') + AGENT_PATH;
    const socket = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: MAX_SERVER_FRAME_BYTES });
    this.socket = socket;
    socket.on('open', () => this.greet());
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const parsed = isBinary ? ({ ok: false, reason: 'binary frame' } as const) : parseServerFrame(data.toString('utf8'));
      if (parsed.ok) {
        this.handle(parsed.message);
        return;
      }
      // The server is hostile until validated too: drop the session, reconnect.
      this.options.logger.warn('invalid frame from the server; reconnecting', { reason: parsed.reason });
      socket.close(CLOSE_CODES.protocolError, 'invalid frame');
    });
    socket.on('close', () => {
      clearInterval(this.heartbeat);
      clearInterval(this.resender);
      if (this.socket === socket) this.scheduleReconnect();
    });
    socket.on('error', (error) => this.options.logger.warn('connection error', { error: error.message }));
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.options.logger.info(`reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private send(message: AgentMessage): boolean {
    if (this.ackDue.size > 0 && standsForTaskAck(message)) this.ackAnswered(message);
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    // Live output is best effort: when the connection falls behind (a script printing 100 MB),
    // chunks are dropped rather than queued; the final report carries the kept head and tail.
    if (message.type === 'task-output' && socket.bufferedAmount > MAX_BUFFERED_OUTPUT_BYTES) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private greet(): void {
    const facts = { agentVersion: AGENT_VERSION, hostname: osHostname(), osType: 'Linux' as const, ...(this.machine ? { machine: this.machine } : {}) };
    if (this.identity) {
      this.send({ type: 'hello', protocol: PROTOCOL_VERSION, instanceId: this.identity.instanceId, secret: this.identity.secret, coldStart: this.coldStart, timeZone: localTimeZone(), ...facts });
    } else if (this.options.activation) {
      const { id, code } = this.options.activation;
      this.send({ type: 'register', protocol: PROTOCOL_VERSION, activationId: id, activationCode: code, instanceName: this.options.name, ...facts });
    } else {
      this.fail('no identity and no activation: pass --activation-id and --activation-code');
    }
  }

  private fail(reason: string): void {
    this.options.logger.error(`refused: ${reason}`);
    this.stop();
    this.resolveFatal?.(reason);
  }

  private handle(message: ServerMessage): void {
    switch (message.type) {
      case 'registered':
        this.identity = { instanceId: message.instanceId, secret: message.secret };
        saveIdentity(this.options.stateDir, this.identity);
        consumeColdStart(message.instanceId); // registering is this boot's start
        this.options.logger.info(`registered as ${message.instanceId}`);
        return;
      case 'welcome':
        this.attempt = 0;
        this.coldStart = false;
        this.options.logger.info(`connected as ${message.instanceId}`);
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => this.send({ type: 'heartbeat' }), message.heartbeatSeconds * 1000);
        this.heartbeat.unref();
        this.resendUnacknowledged();
        clearInterval(this.resender);
        this.resender = setInterval(() => this.resendUnacknowledged(), RESEND_MS);
        this.resender.unref();
        return;
      case 'rejected':
        this.fail(message.reason);
        return;
      case 'task':
        this.accept(message.task);
        return;
      case 'task-stop':
        this.running.get(runKeyOf(message.taskId, message.run))?.cancel();
        return;
      case 'started-ack':
        this.outbox.ackStarted(message.taskId, message.run);
        return;
      case 'output-ack':
        this.outbox.ackOutput(message.taskId, message.run, message.seq);
        return;
      case 'finish-ack': {
        const key = runKeyOf(message.taskId, message.run);
        const report = this.journal.unacknowledged().find((r) => runKeyOf(r.taskId, r.run) === key);
        this.journal.acknowledged(key);
        // The next run's shell is forked now, off its path and after this one's report is stored.
        this.standby?.resume();
        // After the final report is safe on the server, like the real agent's side effect.
        const action = report ? powerActionOf(report.outcome) : null;
        if (action && this.options.allowPowerActions) {
          this.options.logger.warn(`the script asked for ${action}: doing it`);
          (this.options.powerAction ?? runPowerAction)(action);
        } else if (action) {
          this.options.logger.warn(`the script asked for ${action}; refused (start the agent with --allow-power-actions)`);
        }
        return;
      }
      case 'file':
        this.files.accept(message.file);
        return;
      case 'file-finish-ack':
        this.files.acknowledged(message.fileId);
        return;
    }
  }

  /** Every message the control plane has not acknowledged yet, in protocol order. */
  private resendUnacknowledged(): void {
    for (const message of this.outbox.pending()) this.send(message);
    for (const report of this.journal.unacknowledged()) this.send(report);
    this.files.resendUnacknowledged();
  }

  private accept(task: TaskSpec): void {
    const key = runKeyOf(task.taskId, task.run);
    const ack = (): void => void this.send({ type: 'task-ack', taskId: task.taskId, run: task.run });
    // Pushed twice in one turn: the ack (or start) that is due answers both.
    if (this.ackDue.has(key)) return;
    if (this.running.has(key)) {
      ack();
      return;
    }
    // Already finished: its report may have been lost; a run never happens twice.
    const report = this.journal.unacknowledged().find((r) => runKeyOf(r.taskId, r.run) === key);
    if (report || this.journal.isDone(key)) {
      ack();
      if (report) this.send(report);
      return;
    }
    this.ackDue.set(key, setImmediate(() => {
      this.ackDue.delete(key);
      ack();
    }));
    this.execute(task);
  }

  /** `report` (a start or a final report) stands for its run's task-ack, if not sent yet. */
  private ackAnswered(report: { taskId: string; run: number }): void {
    const key = runKeyOf(report.taskId, report.run);
    const due = this.ackDue.get(key);
    if (due === undefined) return;
    clearImmediate(due);
    this.ackDue.delete(key);
  }

  private execute(task: TaskSpec): void {
    const key = runKeyOf(task.taskId, task.run);
    const streamer = new OutputStreamer((seq, data, skipped) => {
      if (!this.outbox.hasRoomFor(task.taskId, task.run, data.length)) return false;
      const message = { type: 'task-output', taskId: task.taskId, run: task.run, seq, data: data.toString('base64'), ...(skipped > 0 ? { skipped } : {}) } as const;
      this.outbox.output(message, data.length);
      this.send(message);
      return true;
    });
    const scriptDir = this.options.scriptDir ?? DEFAULT_SCRIPT_DIR;
    const callbacks = {
      onStarted: (at: Date) => {
        this.journal.started(key, task.taskId, task.run, at);
        const started = { type: 'task-started', taskId: task.taskId, run: task.run, startedAt: at.toISOString() } as const;
        this.outbox.started(started);
        this.send(started);
      },
      onOutput: (chunk: Buffer) => streamer.push(chunk),
    };
    // ContainerId / ContainerName: run inside that container through the Docker Engine API. The
    // runners are loaded with the first task (deferred-run.ts).
    const run = targetsContainer(task)
      ? deferredRun(async () => (await containerRunner()).runInContainer(task, callbacks))
      : deferredRun(async () => {
        const runner = await scriptRunner();
        if (!this.stopped) {
          this.standby ??= new runner.StandbySlot(scriptDir);
          this.spare ??= new runner.SpareScriptFile(scriptDir);
        }
        return runner.runScript(task, callbacks, { scriptDir, standby: this.standby, spare: this.spare });
      });
    this.running.set(key, run);
    void run.done.then((result) => {
      this.running.delete(key);
      streamer.flush();
      const report: TaskFinishedMessage = {
        type: 'task-finished',
        taskId: task.taskId,
        run: task.run,
        outcome: result.outcome,
        output: result.output.toString('base64'),
        dropped: result.dropped,
        startedAt: result.startedAt?.toISOString() ?? null,
        finishedAt: result.finishedAt.toISOString(),
      };
      this.journal.finished(key, report);
      this.outbox.forget(task.taskId, task.run);
      this.send(report);
      this.options.logger.info('task finished', { taskId: task.taskId, outcome: result.outcome.kind });
    });
  }
}
