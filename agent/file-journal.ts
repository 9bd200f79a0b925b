import type { FileFinishedMessage } from '../shared/protocol.js';
import { JournalLog, type JournalModel } from './journal-log.js';

interface FileJournalData {
  /** Final reports not yet acknowledged by the control plane, by fileId. */
  reports: Record<string, FileFinishedMessage>;
  /** Acknowledged files (newest last, bounded): never written again. */
  done: string[];
}

/** One change of the journal, as it is logged (journal-log.ts). */
type FileJournalChange = { op: 'finished'; report: FileFinishedMessage } | { op: 'acknowledged'; fileId: string };

const MAX_DONE = 2000;

const MODEL: JournalModel<FileJournalData, FileJournalChange> = {
  fromSnapshot: (value) => ({ reports: value?.reports ?? {}, done: value?.done ?? [] }),
  apply(data, change) {
    switch (change.op) {
      case 'finished':
        data.reports[change.report.fileId] = change.report;
        return;
      case 'acknowledged':
        if (!(change.fileId in data.reports)) return;
        delete data.reports[change.fileId];
        data.done = [...data.done.filter((id) => id !== change.fileId), change.fileId].slice(-MAX_DONE);
        return;
    }
  },
};

/**
 * The SendFile counterpart of TaskJournal: which file reports wait for an acknowledgement and
 * which files are done, so a file re-pushed by the control plane (after a lost report or an
 * agent restart) is reported again, never written twice. The same snapshot-plus-log mechanism
 * (journal-log.ts).
 */
export class FileJournal {
  private readonly journal: JournalLog<FileJournalData, FileJournalChange>;

  constructor(file: string) {
    this.journal = new JournalLog(file, MODEL);
  }

  private get data(): FileJournalData {
    return this.journal.state;
  }

  unacknowledged(): FileFinishedMessage[] {
    return Object.values(this.data.reports);
  }

  report(fileId: string): FileFinishedMessage | undefined {
    return this.data.reports[fileId];
  }

  isDone(fileId: string): boolean {
    return fileId in this.data.reports || this.data.done.includes(fileId);
  }

  finished(report: FileFinishedMessage): void {
    this.journal.record({ op: 'finished', report });
  }

  acknowledged(fileId: string): void {
    if (!(fileId in this.data.reports)) return;
    this.journal.record({ op: 'acknowledged', fileId });
  }
}
