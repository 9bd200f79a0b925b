import { performance } from 'node:perf_hooks';
import { acknowledges } from '../shared/ack-rules.js';
import { runKeyOf } from '../shared/task-keys.js';
import { TickCork } from '../shared/tick-cork.js';
import { WebSocket } from 'ws';
import {
  AGENT_PATH,
  parseServerMessage,
  PROTOCOL_VERSION,
  type AgentMessage,
  type ServerMessage,
  type TaskFinishedMessage,
  type TaskSpec,
  type TaskStartedMessage,
} from '../shared/protocol.js';

export const SIMULATED_AGENT_VERSION = 'casim-loadgen/1';
/** Unacknowledged reports are re-sent this often (the real agent's journal does the same). */
const RESEND_MS = 2_000;
const RECONNECT_MS = 1_000;
const DONE_KEPT = 1024;

export type SimulatedIdentity = { instanceId: string; secret: string };

export interface SimulatedAgentOptions {
  /** Control plane URL, e.g. http://127.0.0.1:8484 */
  server: string;
  /** Registers with this activation, unless `identity` is given. */
  activation?: { id: string; code: string };
  identity?: SimulatedIdentity;
  name?: string;
  /** The script's fake output (default `ok\n`). */
  outputOf?: (task: TaskSpec) => string;
  /** Seen for each message sent and received (benchmarks time them). */
  onMessage?: (direction: 'in' | 'out', message: AgentMessage | ServerMessage) => void;
}

interface Pending {
  started?: TaskStartedMessage;
  finished?: TaskFinishedMessage;
}


/**
 * An agent without a machine: it speaks the real protocol over the real WebSocket (register or
 * hello, heartbeats, task-started, task-finished; task-ack for a task pushed again) and answers
 * every task at once with exit code 0 and a fake output: like the casim agent starting a script
 * at once, it sends the start without a task-ack, which it stands for (shared/ack-rules.ts).
 * Reports are re-sent until acknowledged and tasks de-duplicated by (taskId, run), as the real
 * agent does; nothing is executed and nothing is written to disk, so thousands fit in one process
 * (loadgen, benchmarks, tests of a large fleet).
 */
export class SimulatedAgent {
  private socket: WebSocket | undefined;
  private identity: SimulatedIdentity | undefined;
  private stopped = false;
  /** What one tick sends (a task's ack, start and finish, answered at once) leaves in one write. */
  private readonly cork = new TickCork();
  private heartbeat: NodeJS.Timeout | undefined;
  private resender: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<string, Pending>();
  /**
   * The (taskId, run) answered lately, so a re-pushed task is acked but not run again. A task is
   * re-pushed only until its ack arrives, so the newest few suffice (bounded for long runs).
   */
  private readonly done = new Set<string>();
  private welcomed: ((instanceId: string) => void) | undefined;
  private refused: ((error: Error) => void) | undefined;
  /** Tasks answered since start. */
  tasksRun = 0;

  constructor(private readonly options: SimulatedAgentOptions) {
    this.identity = options.identity;
  }

  get instanceId(): string | undefined {
    return this.identity?.instanceId;
  }

  /** The saved identity (instance ID and secret), once registered. */
  get savedIdentity(): SimulatedIdentity | undefined {
    return this.identity;
  }

  /** Connects; resolves with the instance ID once the control plane has welcomed the agent. */
  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.welcomed = resolve;
      this.refused = reject;
      this.connect();
    });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearInterval(this.resender);
    clearTimeout(this.reconnectTimer);
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** One WebSocket ping to the control plane: the round trip in ms (benchmarks). */
  ping(): Promise<number> {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
    const start = performance.now();
    return new Promise((resolve) => {
      socket.once('pong', () => resolve(performance.now() - start));
      socket.ping();
    });
  }

  /** Unacknowledged reports (started or finished) right now. */
  get unacknowledged(): number {
    let n = 0;
    for (const p of this.pending.values()) n += (p.started ? 1 : 0) + (p.finished ? 1 : 0);
    return n;
  }

  private connect(): void {
    if (this.stopped) return;
    const url = `${this.options.server.replace(/^http/, 'ws').replace(/\/$/, '')}${AGENT_PATH}`;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    this.socket = socket;
    socket.on('open', () => this.greet());
    socket.on('message', (data: Buffer) => {
      const parsed = parseServerMessage(data.toString('utf8'));
      if (!parsed.ok) {
        socket.close(1002, 'invalid frame');
        return;
      }
      this.options.onMessage?.('in', parsed.message);
      this.handle(parsed.message);
    });
    socket.on('close', () => {
      clearInterval(this.heartbeat);
      clearInterval(this.resender);
      if (this.socket === socket && !this.stopped) {
        this.reconnectTimer = setTimeout(() => this.connect(), RECONNECT_MS + Math.random() * RECONNECT_MS);
        this.reconnectTimer.unref();
      }
    });
    socket.on('error', () => undefined); // a close follows; it reconnects
  }

  private send(message: AgentMessage): void {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    this.options.onMessage?.('out', message);
    this.cork.hold(socket);
    socket.send(JSON.stringify(message));
  }

  private greet(): void {
    const facts = { agentVersion: SIMULATED_AGENT_VERSION, hostname: this.options.name ?? 'simulated', osType: 'Linux' as const };
    if (this.identity) {
      this.send({ type: 'hello', protocol: PROTOCOL_VERSION, instanceId: this.identity.instanceId, secret: this.identity.secret, timeZone: 'UTC', ...facts });
    } else if (this.options.activation) {
      const { id, code } = this.options.activation;
      this.send({ type: 'register', protocol: PROTOCOL_VERSION, activationId: id, activationCode: code, ...(this.options.name ? { instanceName: this.options.name } : {}), ...facts });
    } else {
      this.fail(new Error('a simulated agent needs an activation or an identity'));
    }
  }

  private fail(error: Error): void {
    this.stop();
    this.refused?.(error);
    this.refused = undefined;
  }

  private handle(message: ServerMessage): void {
    switch (message.type) {
      case 'registered':
        this.identity = { instanceId: message.instanceId, secret: message.secret };
        return;
      case 'welcome':
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => this.send({ type: 'heartbeat' }), message.heartbeatSeconds * 1000);
        this.heartbeat.unref();
        clearInterval(this.resender);
        this.resender = setInterval(() => this.resend(), RESEND_MS);
        this.resender.unref();
        this.resend();
        this.welcomed?.(message.instanceId);
        this.welcomed = undefined;
        return;
      case 'rejected':
        this.fail(new Error(`refused: ${message.reason}`));
        return;
      case 'task':
        this.run(message.task);
        return;
      case 'started-ack':
      case 'finish-ack':
        this.settle(message);
        return;
      case 'output-ack':
      case 'task-stop': // every task is already finished when a stop could arrive
      case 'file':
      case 'file-finish-ack':
        return;
    }
  }

  private run(task: TaskSpec): void {
    const k = runKeyOf(task.taskId, task.run);
    // Pushed again (its start or ack was not stored in time): acknowledge it; it runs once.
    if (this.done.has(k)) {
      this.send({ type: 'task-ack', taskId: task.taskId, run: task.run });
      return;
    }
    this.done.add(k);
    if (this.done.size > DONE_KEPT) this.done.delete(this.done.values().next().value as string);
    this.tasksRun += 1;
    const now = new Date().toISOString();
    const output = Buffer.from(this.options.outputOf?.(task) ?? 'ok\n', 'utf8').toString('base64');
    const started: TaskStartedMessage = { type: 'task-started', taskId: task.taskId, run: task.run, startedAt: now };
    const finished: TaskFinishedMessage = {
      type: 'task-finished', taskId: task.taskId, run: task.run, startedAt: now, finishedAt: now, dropped: 0, output,
      outcome: task.dryRun ? { kind: 'checks-passed' } : { kind: 'exited', exitCode: 0 },
    };
    this.pending.set(k, { started, finished });
    // Started at once: the start stands for the task-ack.
    this.send(started);
    this.send(finished);
  }

  /** Drops what `ack` confirms is stored (a finish-ack confirms the start too). */
  private settle(ack: Extract<ServerMessage, { type: 'started-ack' | 'finish-ack' }>): void {
    const k = runKeyOf(ack.taskId, ack.run);
    const p = this.pending.get(k);
    if (!p) return;
    if (p.started && acknowledges(ack, p.started)) p.started = undefined;
    if (p.finished && acknowledges(ack, p.finished)) p.finished = undefined;
    if (!p.started && !p.finished) this.pending.delete(k);
  }

  private resend(): void {
    for (const p of this.pending.values()) {
      if (p.started) this.send(p.started);
      if (p.finished) this.send(p.finished);
    }
  }
}
