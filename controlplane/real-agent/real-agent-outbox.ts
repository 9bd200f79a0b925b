import type { WebSocket } from 'ws';
import type { Logger } from '../../shared/logger.js';
import type { FileSpec, ServerMessage, TaskSpec } from '../../shared/protocol.js';
import { presenceColumnOf, type AgentSender, type PresenceColumn, type PresenceWriter } from '../hub/agent-sessions.js';
import { kickFrame, type Kick } from './kick-frame.js';
import { fileEntry, runEntry, stopEntry, taskListAnswer, type TaskListAnswer } from './task-list-answer.js';

/** Where a task is, seen from the server: waiting for a fetch, handed out, or started. */
type Phase = 'waiting' | 'offered' | 'started';

interface Offer {
  task: TaskSpec;
  phase: Phase;
}

interface InstanceOutbox {
  socket: WebSocket | undefined;
  tasks: Map<string, Offer>;
  /** Cancels to hand out in `stop`: task id → run. */
  stops: Map<string, number>;
  files: Map<string, FileSpec>;
}

/** What one `task/list` fetch hands out, and which tasks that delivers. */
export interface Fetched {
  answer: TaskListAnswer;
  delivered: Array<{ taskId: string; run: number }>;
  /** Runs the agent had started before it restarted: they will never be reported. */
  lost: Array<{ taskId: string; run: number }>;
}

/**
 * The AgentSender for instances run by the real agent: the agent pulls, so a task (or a stop,
 * or a file) is kept here for its `task/list` fetch and the agent is kicked on its `wss`
 * channel (spec/real-agent-protocol.md §3.4, §3.5). Acknowledgements need no message: the
 * HTTP answer to a report is the acknowledgement, sent once the handler has stored it.
 */
export class RealAgentOutbox implements AgentSender {
  private readonly instances = new Map<string, InstanceOutbox>();

  /** `presence` keeps the store's `connected` column equal to `isConnected` (an attached channel). */
  constructor(
    private readonly logger: Logger,
    private readonly presence?: PresenceWriter,
  ) {}

  private of(instanceId: string): InstanceOutbox {
    let entry = this.instances.get(instanceId);
    if (!entry) {
      entry = { socket: undefined, tasks: new Map(), stops: new Map(), files: new Map() };
      this.instances.set(instanceId, entry);
    }
    return entry;
  }

  // ---- the kick channel ----

  /** Makes `socket` the instance's kick channel; returns the one it replaces. */
  attach(instanceId: string, socket: WebSocket): WebSocket | undefined {
    const entry = this.of(instanceId);
    const previous = entry.socket;
    entry.socket = socket;
    if (!previous) this.presence?.set(instanceId, true);
    return previous !== socket ? previous : undefined;
  }

  /** Forgets `socket` if it is still the instance's channel; true when it was. */
  detach(instanceId: string, socket: WebSocket): boolean {
    const entry = this.instances.get(instanceId);
    if (!entry || entry.socket !== socket) return false;
    entry.socket = undefined;
    this.presence?.set(instanceId, false);
    return true;
  }

  /** Its channel is attached and open (a closing channel is detached when its close completes). */
  isConnected(instanceId: string): boolean {
    const socket = this.instances.get(instanceId)?.socket;
    return socket !== undefined && socket.readyState === socket.OPEN;
  }

  presenceColumn(): PresenceColumn {
    return presenceColumnOf(this.presence);
  }

  /** The instances with an attached channel (what the `connected` column says, StoredPresence). */
  *connectedIds(): Iterable<string> {
    for (const [instanceId, entry] of this.instances) if (entry.socket) yield instanceId;
  }

  private kick(instanceId: string, kick: Kick): boolean {
    const socket = this.instances.get(instanceId)?.socket;
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(kickFrame(kick));
    return true;
  }

  /** Closes an instance's channel (e.g. the instance was deregistered through the API). */
  disconnect(instanceId: string): void {
    this.instances.get(instanceId)?.socket?.close(1000, 'instance removed');
  }

  /** Closes an instance's channel (deregistered) and forgets its work. */
  forget(instanceId: string): void {
    const socket = this.instances.get(instanceId)?.socket;
    socket?.close(1000, 'deregistered');
    this.instances.delete(instanceId);
    // Its close will not find it attached any more.
    if (socket) this.presence?.set(instanceId, false);
  }

  // ---- AgentSender ----

  send(instanceId: string, message: ServerMessage): boolean {
    switch (message.type) {
      case 'task':
        return this.offerTask(instanceId, message.task);
      case 'task-stop': {
        const entry = this.of(instanceId);
        entry.stops.set(message.taskId, message.run);
        const offer = entry.tasks.get(message.taskId);
        // Not started: never hand it out now. Started: keep it, its output still streams in.
        if (offer && offer.task.run === message.run && offer.phase !== 'started') entry.tasks.delete(message.taskId);
        return this.kick(instanceId, { kind: 'task-stop', id: message.taskId });
      }
      case 'file':
        this.of(instanceId).files.set(message.file.fileId, message.file);
        return this.kick(instanceId, { kind: 'file-create', id: message.file.fileId });
      case 'started-ack':
      case 'output-ack':
      case 'finish-ack':
      case 'file-finish-ack':
        // The HTTP answer to the report is the acknowledgement.
        return this.isConnected(instanceId);
      case 'rejected':
        // The instance was deregistered: close its channel (a re-dial is refused, unsigned-for-nobody).
        this.instances.get(instanceId)?.socket?.close(1000, message.reason.slice(0, 100));
        return this.isConnected(instanceId);
      case 'welcome':
      case 'registered':
        this.logger.warn('real agent: casim-agent message has no real-agent form', { instanceId, type: message.type });
        return false;
    }
  }

  private offerTask(instanceId: string, task: TaskSpec): boolean {
    const entry = this.of(instanceId);
    const known = entry.tasks.get(task.taskId);
    if (known && known.task.run === task.run && known.phase !== 'waiting') return this.isConnected(instanceId); // handed out already
    if (!known || known.task.run <= task.run) entry.tasks.set(task.taskId, { task, phase: 'waiting' });
    return this.kick(instanceId, { kind: 'task-run', id: task.taskId });
  }

  // ---- the agent's side ----

  /**
   * The answer to one fetch. With a task id (a kick named it, or the agent retries that fetch)
   * it holds that task's entries; without one (start-up, a bare kick) everything pending. At
   * start-up the agent is a new process: what it had started is gone (`lost`).
   */
  fetch(instanceId: string, taskId: string | undefined, startup: boolean): Fetched {
    const entry = this.of(instanceId);
    const run: TaskListAnswer['run'] = [];
    const test: TaskListAnswer['test'] = [];
    const delivered: Fetched['delivered'] = [];
    const lost: Fetched['lost'] = [];
    for (const [id, offer] of entry.tasks) {
      if (taskId !== undefined && id !== taskId) continue;
      if (offer.phase === 'started') {
        if (startup) lost.push({ taskId: id, run: offer.task.run });
        continue;
      }
      (offer.task.dryRun ? test : run).push(runEntry(offer.task));
      offer.phase = 'offered';
      delivered.push({ taskId: id, run: offer.task.run });
    }
    for (const lostRun of lost) entry.tasks.delete(lostRun.taskId);
    const stop = [...entry.stops].filter(([id]) => taskId === undefined || id === taskId).map(([id, n]) => stopEntry(id, n));
    const file = [...entry.files.values()].filter((spec) => taskId === undefined || spec.fileId === taskId).map(fileEntry);
    return { answer: taskListAnswer(instanceId, { run, test, stop, file }), delivered, lost };
  }

  /** This run of the task is handed out or running (not merely waiting for a fetch). */
  holds(instanceId: string, taskId: string, run: number): boolean {
    const offer = this.instances.get(instanceId)?.tasks.get(taskId);
    return offer !== undefined && offer.task.run === run && offer.phase !== 'waiting';
  }

  /** A `running` report: the task is on the agent now (it is no longer handed out). */
  started(instanceId: string, taskId: string, run: number): void {
    const offer = this.instances.get(instanceId)?.tasks.get(taskId);
    if (offer && offer.task.run === run) offer.phase = 'started';
  }

  /** A final report: nothing of that run is handed out any more. */
  finished(instanceId: string, taskId: string, run: number): void {
    const entry = this.instances.get(instanceId);
    if (!entry) return;
    const offer = entry.tasks.get(taskId);
    if (offer && offer.task.run <= run) entry.tasks.delete(taskId);
    const stop = entry.stops.get(taskId);
    if (stop !== undefined && stop <= run) entry.stops.delete(taskId);
  }

  fileFinished(instanceId: string, fileId: string): void {
    this.instances.get(instanceId)?.files.delete(fileId);
  }

  /** Tasks waiting for a fetch, handed out or running, per instance (for tests and logs). */
  pendingCount(instanceId: string): number {
    const entry = this.instances.get(instanceId);
    return entry ? entry.tasks.size + entry.stops.size + entry.files.size : 0;
  }
}
