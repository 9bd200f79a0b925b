import { randomBytes } from 'node:crypto';
import { close, constants, open, unlink, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * An empty file made ahead in the script directory, which the next script file is written into
 * and then renamed to its name (script-file.ts): on ext4 here creating a file costs 0.44–1.5
 * ms, writing an existing one 0.06 and a rename 0.03, so the creation is taken off the task's
 * path. Made on the thread pool while a run's script runs (script-runner.ts), so the agent's
 * event loop does not wait for it either (made there synchronously, it delayed the run's own
 * end marker). It is created read-only (O_CREAT with O_RDONLY): a fork meanwhile that copies
 * the descriptor holds no write access to it, which would make the script's exec fail with
 * ETXTBSY (script-file.ts); it is written synchronously when taken. One at a time per agent;
 * removed at stop. Each is `.casim-spare-<random>`, mode 0600 until it is written.
 */
export class SpareScriptFile {
  private ready: string | null = null;
  /** The spare being made, settled once it is ready (true) or failed (false). */
  private making: Promise<boolean> | null = null;
  private stopped = false;

  constructor(private readonly dir: string) {}

  /** Starts making the next spare when there is none; a failure (no directory yet, no space) leaves none. */
  prepare(): void {
    if (this.stopped || this.ready !== null || this.making !== null) return;
    const path = join(resolve(this.dir), `.casim-spare-${randomBytes(12).toString('hex')}`);
    this.making = new Promise<boolean>((settle) => {
      open(path, constants.O_CREAT | constants.O_EXCL | constants.O_RDONLY, 0o600, (error, fd) => {
        if (error) {
          this.making = null;
          settle(false);
          return;
        }
        close(fd, () => {
          this.making = null;
          if (this.stopped) unlink(path, () => undefined);
          else this.ready = path;
          settle(!this.stopped);
        });
      });
    });
  }

  /** Settles once the spare being made (if any) is ready (true); false when none is. */
  async whenReady(): Promise<boolean> {
    if (this.making !== null) await this.making;
    return this.ready !== null;
  }

  /** The spare's path, now the caller's (null when none is ready); the next is made by `prepare`. */
  take(): string | null {
    const path = this.ready;
    this.ready = null;
    return path;
  }

  /** Removes the unused spare (and one still being made, once it is) and makes no more. */
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
