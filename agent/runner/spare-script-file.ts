import { randomBytes } from 'node:crypto';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * An empty file made ahead in the script directory, which the next script file is written into
 * and then renamed to its name (script-file.ts): on ext4 here creating a file costs 0.44–0.53
 * ms, writing an existing one 0.06 and a rename 0.03, so the creation is taken off the task's
 * path. Made synchronously, when the agent has nothing else to do (after a run's final report
 * is acknowledged, agent.ts): a write descriptor opened on a pool thread could be copied by a
 * fork and make the script's exec fail with ETXTBSY (script-file.ts). One at a time per agent;
 * removed at stop. Each is `.casim-spare-<random>`, mode 0600 until it is written.
 */
export class SpareScriptFile {
  private ready: string | null = null;
  private stopped = false;

  constructor(private readonly dir: string) {}

  /** Makes the next spare when there is none; a failure (no directory yet, no space) leaves none. */
  prepare(): void {
    if (this.stopped || this.ready !== null) return;
    const path = join(resolve(this.dir), `.casim-spare-${randomBytes(12).toString('hex')}`);
    try {
      closeSync(openSync(path, 'wx', 0o600));
      this.ready = path;
    } catch {
      // the run writes its file itself
    }
  }

  /** The spare's path, now the caller's (null when none is made); the next is made by `prepare`. */
  take(): string | null {
    const path = this.ready;
    this.ready = null;
    return path;
  }

  /** Removes the unused spare and makes no more. */
  stop(): void {
    this.stopped = true;
    const path = this.take();
    if (path === null) return;
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}
