import type { TaskFinishedMessage } from '../shared/protocol.js';
import { JournalLog, type JournalModel } from './journal-log.js';

interface JournalData {
  /** Runs started and not finished, by `taskId#run`. */
  started: Record<string, { taskId: string; run: number; startedAt: string }>;
  /** Final reports not yet acknowledged by the control plane. */
  reports: Record<string, TaskFinishedMessage>;
  /** Acknowledged runs (newest last, bounded): never run again. */
  done: string[];
}

/** One change of the journal, as it is logged (journal-log.ts). */
type JournalChange =
  | { op: 'started'; key: string; taskId: string; run: number; startedAt: string }
  | { op: 'finished'; key: string; report: TaskFinishedMessage }
  | { op: 'acknowledged'; key: string };

const MAX_DONE = 2000;

const MODEL: JournalModel<JournalData, JournalChange> = {
  fromSnapshot: (value) => ({ started: value?.started ?? {}, reports: value?.reports ?? {}, done: value?.done ?? [] }),
  apply(data, change) {
    switch (change.op) {
      case 'started':
        data.started[change.key] = { taskId: change.taskId, run: change.run, startedAt: change.startedAt };
        return;
      case 'finished':
        delete data.started[change.key];
        data.reports[change.key] = change.report;
        return;
      case 'acknowledged': {
        if (!(change.key in data.reports)) return;
        delete data.reports[change.key];
        // Moved (or added) to the newest end; the oldest beyond MAX_DONE are forgotten.
        const index = doneIndex(data);
        if (index.has(change.key)) data.done.splice(data.done.indexOf(change.key), 1);
        else index.add(change.key);
        data.done.push(change.key);
        if (data.done.length > MAX_DONE) for (const dropped of data.done.splice(0, data.done.length - MAX_DONE)) index.delete(dropped);
        return;
      }
    }
  },
};

const DONE_INDEX = Symbol('done index');

/**
 * The `done` keys as a Set, kept beside the array (a non-enumerable property: snapshots and the
 * log hold only the array). isDone runs for every task before its script is forked: a scan of
 * up to MAX_DONE keys was 53 µs with the agent's V8 flags at 2,000, the array's copy per
 * acknowledgement 64 µs; the Set makes both a lookup.
 */
function doneIndex(data: JournalData): Set<string> {
  const holder = data as JournalData & { [DONE_INDEX]?: Set<string> };
  let index = holder[DONE_INDEX];
  if (index === undefined) {
    index = new Set(data.done);
    Object.defineProperty(holder, DONE_INDEX, { value: index, enumerable: false });
  }
  return index;
}

/**
 * The agent's small durable state (DESIGN §1 "journal"): which runs are going, which reports
 * wait for an acknowledgement, which runs are done. After an agent restart a run that was
 * going is reported as interrupted, unacknowledged reports are sent again, and no run
 * happens twice. Kept as a snapshot plus a log of changes (journal-log.ts): each change is
 * one append.
 */
export class TaskJournal {
  private readonly journal: JournalLog<JournalData, JournalChange>;

  constructor(file: string) {
    this.journal = new JournalLog(file, MODEL);
  }

  private get data(): JournalData {
    return this.journal.state;
  }

  /** Runs left going by a previous agent process become `interrupted` reports. */
  recoverInterrupted(now: Date): TaskFinishedMessage[] {
    return Object.entries(this.data.started).map(([key, entry]) => {
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
      this.journal.record({ op: 'finished', key, report });
      return report;
    });
  }

  unacknowledged(): TaskFinishedMessage[] {
    return Object.values(this.data.reports);
  }

  isDone(key: string): boolean {
    return doneIndex(this.data).has(key) || key in this.data.reports || key in this.data.started;
  }

  started(key: string, taskId: string, run: number, startedAt: Date): void {
    this.journal.record({ op: 'started', key, taskId, run, startedAt: startedAt.toISOString() });
  }

  finished(key: string, report: TaskFinishedMessage): void {
    this.journal.record({ op: 'finished', key, report });
  }

  acknowledged(key: string): void {
    if (!(key in this.data.reports)) return;
    this.journal.record({ op: 'acknowledged', key });
  }
}
