import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type CheckpointMode = 'PASSIVE' | 'RESTART';

/** What one checkpoint reports: WAL frames in the log and how many of them are in the file now. */
export interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export interface WalCheckpointerOptions {
  /** How long after a commit the worker checkpoints (default 10 ms): the commits of that time share one pass. */
  readonly intervalMs?: number;
  /**
   * WAL frames at which the worker's pass is a RESTART checkpoint (default 10,000, ~40 MB of log).
   * SQLite restarts the log only when a transaction begins with all of it checkpointed, which
   * under steady writes a PASSIVE pass rarely leaves behind; a RESTART pass takes the write lock
   * for the frames left since the last pass (the event loop's next transaction waits that long
   * in its busy handler) and so makes the next writer start the log afresh.
   */
  readonly restartFrames?: number;
  /** Heard after every pass of the worker (tests). */
  readonly onCheckpoint?: (result: CheckpointResult & { mode: CheckpointMode }) => void;
  /** Heard once when the worker fails: the connection is back on SQLite's own autocheckpoint. */
  readonly onFailed?: (error: Error) => void;
  /** The better-sqlite3 module the worker loads (default: the one this package resolves). */
  readonly driver?: string;
}

/** SQLite's own default (pages), restored on the connection when the worker fails. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The worker (CommonJS, given as source so that it runs the same from dist/ and under a test
 * runner): its own connection to the store's file; after each nudge it waits `intervalMs`, runs
 * one checkpoint (PASSIVE, which never blocks the writer, or RESTART once the log is long) and
 * reports the result.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 2000 });
db.pragma('synchronous = NORMAL');
let timer;
let log = 0;
parentPort.on('message', (message) => {
  if (message === 'close') {
    clearTimeout(timer);
    db.close();
    parentPort.close();
    return;
  }
  timer ??= setTimeout(() => {
    timer = undefined;
    const mode = log >= workerData.restartFrames ? 'RESTART' : 'PASSIVE';
    const [result] = db.pragma('wal_checkpoint(' + mode + ')');
    // After a RESTART that went through, the next writer starts the log afresh.
    log = mode === 'RESTART' && result.busy === 0 ? 0 : result.log;
    parentPort.postMessage({ ...result, mode });
  }, workerData.intervalMs);
});
`;

/**
 * Checkpoints the store's WAL on a worker thread. SQLite checkpoints on the committing
 * connection by default (every 1,000 frames): under load that put the copy of the log into the
 * file, and its two fsyncs (the disk writes of everything committed since), on the event loop.
 * Here the connection's autocheckpoint is off and each commit nudges the worker (one message at
 * a time). The store's write transactions begin IMMEDIATE so that one meeting a RESTART pass
 * waits for it instead of failing. Checkpoints change nothing of what is durable: a commit is
 * durable in the WAL either way.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private failed = false;
  private closed = false;
  /** A nudge is out and its checkpoint not yet reported. */
  private nudged = false;
  private readonly intervalMs: number;
  private readonly restartFrames: number;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly options: WalCheckpointerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10;
    this.restartFrames = options.restartFrames ?? 10_000;
  }

  /** A transaction committed. */
  committed(): void {
    if (this.failed || this.closed || this.nudged) return;
    this.nudged = true;
    this.start().postMessage('checkpoint');
  }

  /** Stops the worker (it closes its connection after any checkpoint under way). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.worker) return;
    this.worker.postMessage('close');
    this.worker.unref();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const driver = this.options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.file, intervalMs: this.intervalMs, restartFrames: this.restartFrames } });
    // The connection stops checkpointing on its own only once the worker exists.
    this.db.pragma('wal_autocheckpoint = 0');
    worker.unref();
    worker.on('message', (result: CheckpointResult & { mode: CheckpointMode }) => {
      this.nudged = false;
      this.options.onCheckpoint?.(result);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`WAL checkpoint worker exited (${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.worker = undefined;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    this.options.onFailed?.(error);
  }
}
