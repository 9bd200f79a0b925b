import type { Logger } from '../shared/logger.js';
import type { FileFinishedMessage, FileSpec } from '../shared/protocol.js';
import { FileJournal } from './file-journal.js';
import type { FileWriterOptions } from './file-writer.js';

/**
 * Takes the SendFile files pushed to this agent: writes each at most once (a re-push while it is
 * being written, or after it was written, only re-sends the report) and keeps its report until
 * the control plane acknowledges it.
 */
export class FileReceiver {
  private readonly journal: FileJournal;
  private readonly writing = new Set<string>();

  constructor(
    journalFile: string,
    private readonly send: (report: FileFinishedMessage) => boolean,
    private readonly logger: Logger,
    private readonly writerOptions: FileWriterOptions = {},
  ) {
    this.journal = new FileJournal(journalFile);
  }

  accept(file: FileSpec): void {
    if (this.writing.has(file.fileId)) return;
    const report = this.journal.report(file.fileId);
    if (report) this.send(report);
    if (this.journal.isDone(file.fileId)) return;
    this.writing.add(file.fileId);
    const startedAt = new Date().toISOString();
    // The writer (node:fs/promises, node:crypto) is loaded with the first file, not by an idle
    // agent (issue 10).
    void import('./file-writer.js')
      .then(({ writeFile }) => writeFile(file, this.writerOptions))
      .catch((error: unknown) => ({ kind: 'failed', reason: 'create-failed', detail: (error as Error).message }) as const)
      .then((outcome) => {
        const finished: FileFinishedMessage = { type: 'file-finished', fileId: file.fileId, outcome, startedAt, finishedAt: new Date().toISOString() };
        this.journal.finished(finished);
        this.writing.delete(file.fileId);
        this.send(finished);
        this.logger.info('file finished', { fileId: file.fileId, outcome: outcome.kind === 'written' ? 'written' : outcome.reason });
      });
  }

  acknowledged(fileId: string): void {
    this.journal.acknowledged(fileId);
  }

  /** After a reconnect: every report the control plane has not acknowledged yet. */
  resendUnacknowledged(): void {
    for (const report of this.journal.unacknowledged()) this.send(report);
  }
}
