import type { AgentMessage, TaskOutputMessage, TaskStartedMessage } from '../shared/protocol.js';
import { runKeyOf } from '../shared/task-keys.js';

/** Unacknowledged live output above this many bytes per run: new output is not streamed (only counted). */
export const OUTPUT_WINDOW_BYTES = 1024 * 1024;

interface RunReports {
  started: TaskStartedMessage | undefined;
  outputs: Array<{ message: TaskOutputMessage; bytes: number }>;
  outputBytes: number;
}


/**
 * What this agent has told the control plane about its running tasks and not yet had
 * acknowledged, per run: the start and the live output chunks. Everything here is re-sent, in order, until its
 * acknowledgement arrives (on every welcome and on a timer), so a frame lost on the way (a
 * proxy dropping one direction, a server that died before storing it) is never lost for good.
 * Final reports live in the task journal instead, which survives agent restarts.
 */
export class ReportOutbox {
  private readonly runs = new Map<string, RunReports>();

  private entry(taskId: string, run: number): RunReports {
    const key = runKeyOf(taskId, run);
    let entry = this.runs.get(key);
    if (!entry) {
      entry = { started: undefined, outputs: [], outputBytes: 0 };
      this.runs.set(key, entry);
    }
    return entry;
  }

  started(message: TaskStartedMessage): void {
    this.entry(message.taskId, message.run).started = message;
  }

  /** False (nothing kept) when the run's window of unacknowledged output is full. */
  hasRoomFor(taskId: string, run: number, bytes: number): boolean {
    const entry = this.runs.get(runKeyOf(taskId, run));
    return !entry || entry.outputBytes + bytes <= OUTPUT_WINDOW_BYTES || entry.outputs.length === 0;
  }

  output(message: TaskOutputMessage, bytes: number): void {
    const entry = this.entry(message.taskId, message.run);
    entry.outputs.push({ message, bytes });
    entry.outputBytes += bytes;
  }

  ackStarted(taskId: string, run: number): void {
    const entry = this.runs.get(runKeyOf(taskId, run));
    if (entry) entry.started = undefined;
  }

  /** Every chunk up to and including `seq` is stored on the control plane. */
  ackOutput(taskId: string, run: number, seq: number): void {
    const entry = this.runs.get(runKeyOf(taskId, run));
    if (!entry) return;
    while (entry.outputs.length > 0 && entry.outputs[0]!.message.seq <= seq) entry.outputBytes -= entry.outputs.shift()!.bytes;
  }

  /**
   * The run has its final report (kept in the task journal and re-sent from there until
   * acknowledged; it carries the retained output), so its start and live chunks are moot.
   */
  forget(taskId: string, run: number): void {
    this.runs.delete(runKeyOf(taskId, run));
  }

  /** Everything unacknowledged, each run's messages in protocol order. */
  pending(): AgentMessage[] {
    const messages: AgentMessage[] = [];
    for (const entry of this.runs.values()) {
      if (entry.started) messages.push(entry.started);
      for (const chunk of entry.outputs) messages.push(chunk.message);
    }
    return messages;
  }

  get size(): number {
    return this.runs.size;
  }
}
