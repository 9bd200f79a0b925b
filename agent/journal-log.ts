import { appendFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from './sync-fs.js';
import { dirname } from 'node:path';
import { readStateFile, writeStateFile } from './state-file.js';

/** How a journal's state is made and changed; `apply` must be deterministic (it is replayed). */
export interface JournalModel<State, Change> {
  /** The state from a snapshot file's content, or the empty state for `undefined` (none yet, or unreadable). */
  fromSnapshot(value: Partial<State> | undefined): State;
  apply(state: State, change: Change): void;
}

/** Past this many bytes of log the state is written as a snapshot and the log emptied. */
export const MAX_LOG_BYTES = 1024 * 1024;

interface LogLine<Change> {
  seq: number;
  change: Change;
}

/**
 * An agent journal's durable state: a snapshot file (`file`, JSON, written beside and renamed
 * over) plus an append-only log of the changes since (`<file>.log`, one JSON line each). A change
 * is one small append instead of a rewrite of the whole state: a run's three journal writes
 * (started, finished, acknowledged) were three temp-file writes and renames, ~0.3 ms each on
 * ext4 (a new inode, and the rename over an existing file starts the data's writeback), the
 * finished one between the script's end and its report (bench/invoke-latency.ts); an append is
 * ~5 µs. Past MAX_LOG_BYTES (or `maxLogBytes`) the state becomes the snapshot again and the log is emptied.
 *
 * Every line carries a sequence number, and the snapshot the last one it includes, so a crash
 * between writing the snapshot and emptying the log replays nothing twice. A crash in the middle
 * of an append leaves a last line without its newline: it is ignored, and cut off so the next
 * append starts a line of its own. A snapshot file from before the log (no sequence number) is
 * read as it is. No fsync, as before: a crash of the agent loses nothing, a power cut may.
 */
export class JournalLog<State extends object, Change> {
  readonly state: State;
  private readonly log: string;
  private seq: number;
  private logBytes: number;

  private readonly maxLogBytes: number;

  constructor(private readonly file: string, private readonly model: JournalModel<State, Change>, options: { maxLogBytes?: number } = {}) {
    this.log = `${file}.log`;
    this.maxLogBytes = options.maxLogBytes ?? MAX_LOG_BYTES;
    const snapshot = readStateFile<State & { seq: number }>(file);
    this.state = model.fromSnapshot(snapshot);
    this.seq = typeof snapshot?.seq === 'number' ? snapshot.seq : 0;
    const { lines, bytes } = this.readLog();
    this.logBytes = bytes;
    for (const line of lines) {
      if (line.seq <= this.seq) continue; // already in the snapshot
      model.apply(this.state, line.change);
      this.seq = line.seq;
    }
  }

  /** Applies `change` to the state and appends it to the log (throws when the disk refuses it). */
  record(change: Change): void {
    this.model.apply(this.state, change);
    this.seq += 1;
    const line = `${JSON.stringify({ seq: this.seq, change } satisfies LogLine<Change>)}\n`;
    this.append(line);
    this.logBytes += Buffer.byteLength(line);
    if (this.logBytes > this.maxLogBytes) this.compact();
  }

  /** Writes the state as the snapshot, then empties the log. */
  compact(): void {
    writeStateFile(this.file, { ...this.state, seq: this.seq });
    writeFileSync(this.log, '', { mode: 0o600 });
    this.logBytes = 0;
  }

  private append(line: string): void {
    try {
      appendFileSync(this.log, line, { mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(dirname(this.log), { recursive: true, mode: 0o700 });
      appendFileSync(this.log, line, { mode: 0o600 });
    }
  }

  /** The whole lines of the log (a torn last one is cut off the file) and the log's size after that. */
  private readLog(): { lines: LogLine<Change>[]; bytes: number } {
    let text: string;
    try {
      text = readFileSync(this.log, 'utf8');
    } catch {
      return { lines: [], bytes: 0 };
    }
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      truncateSync(this.log, Buffer.byteLength(text.slice(0, end)));
      text = text.slice(0, end);
    }
    const lines: LogLine<Change>[] = [];
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      const line = parseLine<Change>(raw);
      if (line !== null) lines.push(line);
    }
    return { lines, bytes: Buffer.byteLength(text) };
  }
}

function parseLine<Change>(raw: string): LogLine<Change> | null {
  try {
    const value = JSON.parse(raw) as Partial<LogLine<Change>>;
    return typeof value.seq === 'number' && typeof value.change === 'object' && value.change !== null ? (value as LogLine<Change>) : null;
  } catch {
    return null;
  }
}
