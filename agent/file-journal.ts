import type { FileFinishedMessage } from '../shared/protocol.js';
import { readStateFile, writeStateFile } from './state-file.js';

interface FileJournalData {
  /** Final reports not yet acknowledged by the control plane, by fileId. */
  reports: Record<string, FileFinishedMessage>;
  /** Acknowledged files (newest last, bounded): never written again. */
  done: string[];
}

const MAX_DONE = 2000;

/**
 * The SendFile counterpart of TaskJournal: which file reports wait for an acknowledgement and
 * which files are done, so a file re-pushed by the control plane (after a lost report or an
 * agent restart) is reported again, never written twice.
 */
export class FileJournal {
  private data: FileJournalData;

  constructor(private readonly file: string) {
    this.data = FileJournal.load(file);
  }

  private static load(file: string): FileJournalData {
    const value = readStateFile<FileJournalData>(file);
    return { reports: value?.reports ?? {}, done: value?.done ?? [] };
  }

  private save(): void {
    writeStateFile(this.file, this.data);
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
    this.data.reports[report.fileId] = report;
    this.save();
  }

  acknowledged(fileId: string): void {
    if (!(fileId in this.data.reports)) return;
    delete this.data.reports[fileId];
    this.data.done = [...this.data.done.filter((id) => id !== fileId), fileId].slice(-MAX_DONE);
    this.save();
  }
}
