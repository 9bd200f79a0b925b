import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterCheckpoint, checkpointDue, FIRST_PASS } from './checkpoint-pass.js';

/** How often the worker looks for frames to copy: soon again while the WAL grows, backing off when idle. */
const BUSY_DELAY_MS = 10;
const IDLE_DELAY_MS = 250;
/** How long `stop` waits for the worker to close its connection (a checkpoint under way finishes first). */
const STOP_WAIT_MS = 5_000;

/** What a rewound WAL is truncated to (it grows past this only while checkpoints lag or a reader holds it). */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/** Shared counters (Int32Array over a SharedArrayBuffer). */
const STOPPED = 0;
const PASSES = 1;
/** How many `copiedAfter` calls wait: only then does the worker post a message after a pass. */
const WAITING = 2;

/**
 * The worker's code (CommonJS, evaluated: no file of its own to find beside the compiled or the
 * TypeScript module); its rule is checkpoint-pass.ts', whose functions it carries as source. Its own connection runs PASSIVE checkpoints, which copy what the WAL holds
 * into the database file without waiting for, or blocking, the writer or readers; the writer
 * rewinds the WAL once it has all been copied.
 */
const WORKER_CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const state = new Int32Array(workerData.state);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('journal_size_limit = ${WAL_SIZE_LIMIT}');
let timer;
${checkpointDue.toString()}
${afterCheckpoint.toString()}
// data_version moves when another connection commits: no commit since a pass that copied the
// whole WAL, nothing to do.
let passState = ${JSON.stringify(FIRST_PASS)};
function pass() {
  let delay = ${IDLE_DELAY_MS};
  try {
    const version = db.pragma('data_version', { simple: true });
    if (checkpointDue(passState, version)) {
      const outcome = afterCheckpoint(passState, version, db.pragma('wal_checkpoint(PASSIVE)')[0]);
      passState = outcome.state;
      if (outcome.copied) {
        Atomics.add(state, ${PASSES}, 1);
        if (Atomics.load(state, ${WAITING}) > 0) parentPort.postMessage('copied');
      }
      if (outcome.soon) delay = ${BUSY_DELAY_MS};
    }
  } catch {
    // A full disk or an I/O error: the frames stay in the WAL (durable there); try again later.
    passState = { ...passState, caughtUp: false };
  }
  timer = setTimeout(pass, delay);
}
parentPort.on('message', () => {
  clearTimeout(timer);
  try { db.close(); } finally {
    Atomics.store(state, ${STOPPED}, 1);
    Atomics.notify(state, ${STOPPED});
    parentPort.close();
  }
});
pass();
`;

/**
 * Checkpoints a WAL-mode SQLite file on a worker thread, so the event loop's commits never copy
 * the WAL into the database file nor wait for its fsync (SQLite's automatic checkpoint runs inside
 * the commit that crosses 1,000 frames: at 100 RunCommand(100)/s, every few calls). The store's
 * own connection turns its automatic checkpoints off while this runs, and back on when the worker
 * ends unexpectedly (`onLost`), so the WAL never grows without bound.
 */
export class WalCheckpointer {
  private readonly state = new Int32Array(new SharedArrayBuffer(12));
  private readonly worker: Worker;
  private stopping = false;
  private ended = false;
  /** Why the worker ended before `stop` (then no pass comes any more). */
  private lostWith: unknown;

  constructor(file: string, onLost: (error: unknown) => void) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { file, sqlite, state: this.state.buffer } });
    // Never what keeps the process alive (the store's close stops it anyway).
    this.worker.unref();
    const lose = (error: unknown): void => {
      if (this.stopping || this.lostWith !== undefined) return;
      this.lostWith = error;
      onLost(error);
    };
    this.worker.on('error', lose);
    this.worker.on('exit', (code) => {
      this.ended = true;
      lose(new Error(`the checkpoint worker exited (${code})`));
    });
  }

  /** How many passes have copied frames so far. */
  passes(): number {
    return Atomics.load(this.state, PASSES);
  }

  /** Resolves once more than `after` passes have copied frames; rejects when the worker has ended. */
  async copiedAfter(after: number): Promise<number> {
    Atomics.add(this.state, WAITING, 1);
    // Waiting on the worker's messages keeps the process alive meanwhile.
    this.worker.ref();
    try {
      for (;;) {
        const now = this.passes();
        if (now > after) return now;
        if (this.ended || this.lostWith !== undefined) throw new Error('the checkpoint worker has ended', { cause: this.lostWith });
        await new Promise<void>((resolve) => {
          const done = (): void => {
            this.worker.off('message', done);
            this.worker.off('exit', done);
            resolve();
          };
          this.worker.on('message', done);
          this.worker.on('exit', done);
          // A pass that came between the look above and listening.
          if (this.passes() > now) done();
        });
      }
    } finally {
      // The last waiter lets the process exit again.
      if (Atomics.sub(this.state, WAITING, 1) === 1) this.worker.unref();
    }
  }

  /**
   * Closes the worker's connection and waits (at most STOP_WAIT_MS) until it has, so the store's
   * connection is the last one and its close checkpoints and removes the WAL.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    // Ended already (its 'error' comes before its 'exit'): no connection left to close.
    if (this.ended || this.lostWith !== undefined) return;
    this.worker.postMessage('stop');
    Atomics.wait(this.state, STOPPED, 0, STOP_WAIT_MS);
    void this.worker.terminate();
  }
}

/** How a store hands its checkpoints over: given the file and what to do if the checkpointer ends. */
export type CheckpointerFactory = (file: string, onLost: (error: unknown) => void) => WalCheckpointer;

/** The server's choice: checkpoints on a worker thread. */
export const checkpointOnWorker: CheckpointerFactory = (file, onLost) => new WalCheckpointer(file, onLost);
