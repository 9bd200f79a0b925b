import type { TaskFinishedMessage } from '../shared/protocol.js';
import { readStateFile, writeStateFile } from './state-file.js';

interface JournalData {
  /** Runs started and not finished, by `taskId#run`. */
  started: Record<string, { taskId: string; run: number; startedAt: string }>;
  /** Final reports not yet acknowledged by the control plane. */
  reports: Record<string, TaskFinishedMessage>;
  /** Acknowledged runs (newest last, bounded): never run again. */
  done: string[];
}

const MAX_DONE = 2000;

/**
 * The agent's small durable state (DESIGN §1 "journal"): which runs are going, which reports
 * wait for an acknowledgement, which runs are done. After an agent restart a run that was
 * going is reported as interrupted, unacknowledged reports are sent again, and no run
 * happens twice.
 */
export class TaskJournal {
  private data: JournalData;

  constructor(private readonly file: string) {
    this.data = TaskJournal.load(file);
  }

  private static load(file: string): JournalData {
    const value = readStateFile<JournalData>(file);
    return { started: value?.started ?? {}, reports: value?.reports ?? {}, done: value?.done ?? [] };
  }

  private save(): void {
    writeStateFile(this.file, this.data);
  }

  /** Runs left going by a previous agent process become `interrupted` reports. */
  recoverInterrupted(now: Date): TaskFinishedMessage[] {
    const recovered = Object.entries(this.data.started).map(([key, entry]) => {
      const report: TaskFinishedMessage = {
        type: 'task-finished',
        taskId: entry.taskId,
        run: entry.run,
        outcome: { kind: 'interrupted' },
        output: '',
        dropped: 0,
        startedAt: entry.startedAt,
        finishedAt: now.toISOString(),
      };
      this.data.reports[key] = report;
      return report;
    });
    if (recovered.length > 0) {
      this.data.started = {};
      this.save();
    }
    return recovered;
  }

  unacknowledged(): TaskFinishedMessage[] {
    return Object.values(this.data.reports);
  }

  isDone(key: string): boolean {
    return this.data.done.includes(key) || key in this.data.reports || key in this.data.started;
  }

  started(key: string, taskId: string, run: number, startedAt: Date): void {
    this.data.started[key] = { taskId, run, startedAt: startedAt.toISOString() };
    this.save();
  }

  finished(key: string, report: TaskFinishedMessage): void {
    delete this.data.started[key];
    this.data.reports[key] = report;
    this.save();
  }

  acknowledged(key: string): void {
    if (!(key in this.data.reports)) return;
    delete this.data.reports[key];
    this.data.done = [...this.data.done.filter((k) => k !== key), key].slice(-MAX_DONE);
    this.save();
  }
}
