import Database from 'better-sqlite3';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { causeCode, describeCause, StartupError } from './startup-error.js';

/** The file whose OS lock marks the data dir as in use (an empty SQLite database). */
export const LOCK_FILE = 'casim.lock';
/** Who holds the lock, for the message a second server prints. */
export const HOLDER_FILE = 'casim.lock.json';

export interface LockHolder {
  pid: number;
  host: string;
  /** The URL it serves on; null while it is still starting. */
  url: string | null;
  /** ISO time it took the lock. */
  since: string;
}

/**
 * One server per data dir: a second one would deliver the runs of the first. The lock is an
 * exclusive SQLite lock (POSIX record locks) on `casim.lock`, held for the server's lifetime.
 * The operating system drops it when the process ends, however it ends (SIGKILL, a crash, a
 * power loss), so a lock is never stale and needs no pid check, and a reused pid cannot keep a
 * data dir locked. The holder's pid, host and URL are written beside it, in `casim.lock.json`,
 * only for the message. `casim.lock` itself is never deleted: a server that deleted it could
 * leave two servers locking two different files of the same name.
 */
export class DataDirLock {
  private db: Database.Database | null;
  private readonly holder: LockHolder;

  private constructor(
    private readonly dir: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.holder = { pid: process.pid, host: hostname(), url: null, since: new Date().toISOString() };
    this.writeHolder();
  }

  /** Takes the data dir's lock, or throws a StartupError naming its holder. */
  static acquire(dir: string): DataDirLock {
    const lockPath = join(dir, LOCK_FILE);
    let db: Database.Database;
    try {
      // timeout 0: fail at once when it is held, rather than wait for it.
      db = new Database(lockPath, { timeout: 0 });
    } catch (error) {
      throw new StartupError('DataDirUnusable', `cannot lock data dir ${dir}: cannot open ${lockPath}: ${describeCause(error)}`, { cause: error });
    }
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if (causeCode(error) === 'SQLITE_BUSY') {
        throw new StartupError('DataDirLocked', `data dir ${dir} is in use by ${describeHolder(readHolder(dir))} (lock ${lockPath})`, { cause: error });
      }
      throw new StartupError('DataDirUnusable', `cannot lock data dir ${dir}: ${describeCause(error)}`, { cause: error });
    }
    try {
      return new DataDirLock(dir, db);
    } catch (error) {
      db.close();
      throw new StartupError('DataDirUnusable', `cannot write ${join(dir, HOLDER_FILE)}: ${describeCause(error)}`, { cause: error });
    }
  }

  /** Records the URL the server listens on, once it is known. */
  publish(url: string): void {
    this.holder.url = url;
    this.writeHolder();
  }

  /** Drops the lock (idempotent). */
  release(): void {
    if (this.db === null) return;
    rmSync(join(this.dir, HOLDER_FILE), { force: true });
    this.db.close();
    this.db = null;
  }

  private writeHolder(): void {
    // Written whole then renamed over the old one: a reader never sees half a file.
    const path = join(this.dir, HOLDER_FILE);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.holder)}\n`);
    renameSync(temporary, path);
  }
}

/** The recorded holder, or null when there is no readable record (it may be starting). */
function readHolder(dir: string): LockHolder | null {
  try {
    const value = JSON.parse(readFileSync(join(dir, HOLDER_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, host: value.host, url: typeof value.url === 'string' ? value.url : null, since: String(value.since ?? '') };
  } catch {
    return null;
  }
}

function describeHolder(holder: LockHolder | null): string {
  if (holder === null) return 'another casim server';
  return `another casim server: pid ${holder.pid} on ${holder.host}, ${holder.url ?? 'not listening yet'}`;
}
