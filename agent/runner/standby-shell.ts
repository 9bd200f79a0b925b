import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import type { IPty } from 'node-pty';
import { standbyLaunchCommand } from './launch-command.js';
import { MarkerScanner } from './marker-scanner.js';
import { sessionMarkers, type SessionMarkers } from './session-markers.js';
import { isRunning, killProcessGroup } from './process-tree.js';
import { closePty, openSlave, spawnPty, stopYielding } from './pty-spawn.js';

/**
 * How often, 1 ms apart, the FIFO is tried after the ready marker before the shell is given up.
 * The shell holds it open read-write before it writes the marker (STANDBY_BOOTSTRAP), so the
 * first try succeeds; the others are for a shell that is not that one.
 */
const ARM_ATTEMPTS = 100;
/** A run's text must fit the FIFO's buffer (64 KiB on Linux) so that a non-blocking write takes it whole. */
const MAX_RUN_BYTES = 60 * 1024;

/** What a standby shell hands over for its run: its PTY, the slave side held open since its start, and the run's markers. */
export interface StandbyHandover {
  pty: IPty;
  slave: number | null;
  markers: SessionMarkers;
}

/**
 * A session shell started ahead of its task (launch-command.ts STANDBY_BOOTSTRAP), for the
 * agent's own user with one environment: past node-pty's fork, the shell's start and stty, it
 * waits in the read of its FIFO. `armed` settles true once the FIFO is open for writing (the
 * shell has opened it for reading), false when the shell ended or could not be reached.
 * `begin` gives it its run; from then the PTY is the caller's.
 */
export class StandbyShell {
  readonly armed: Promise<boolean>;
  /** The markers of the run it will take (its pipeline is started with them). */
  private readonly markers = sessionMarkers(randomBytes(16).toString('hex'));
  private readonly pty: IPty;
  private slave: number | null;
  private fifoFd: number | null = null;
  private settleArmed: (armed: boolean) => void = () => {};
  private state: 'starting' | 'armed' | 'handed-over' | 'gone' = 'starting';
  private failedOnItsOwn = false;
  private readonly listeners: Array<{ dispose(): void }> = [];

  /** `fifo`: the slot's FIFO (made by the shell when missing), read by one standby shell at a time. */
  constructor(private readonly fifo: string, readonly env: Record<string, string>) {
    const id = randomBytes(16).toString('hex');
    const ready = new MarkerScanner(Buffer.from(`\u001ecasim-ready-${id}\u001e`, 'latin1'), 0, 'drop');
    const command = standbyLaunchCommand(this.fifo, `\u001ecasim-ready-${id}\u001e`, this.markers);
    this.pty = spawnPty(command.file, command.args, '/', env, () => this.dispose());
    this.slave = openSlave(this.pty);
    this.armed = new Promise<boolean>((settle) => {
      this.settleArmed = settle;
      this.listeners.push(
        this.pty.onData((raw: string | Buffer) => {
          if (this.state !== 'starting' || ready.found) return;
          ready.push(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
          if (ready.found) this.arm(ARM_ATTEMPTS);
        }),
        this.pty.onExit(() => {
          if (this.state === 'starting') this.failedOnItsOwn = true;
          if (this.state !== 'handed-over') this.end();
        }),
      );
    });
  }

  /** The session shell's process ID (its session's ID too). */
  get pid(): number {
    return this.pty.pid;
  }

  /**
   * Whether the shell ended before it was armed on its own (it could not make or open its FIFO,
   * or died), rather than being ended by the agent (another fork, another environment, a stop).
   */
  get neverArmed(): boolean {
    return this.failedOnItsOwn;
  }

  /** Whether the shell can still take a run (armed or about to be). */
  get usable(): boolean {
    return this.state === 'starting' || this.state === 'armed';
  }

  /**
   * Gives the armed shell its run (launch-command.ts `standbyRun`) and hands over its PTY; null,
   * with the shell ended, when it cannot take it (not armed, gone, or the run too long).
   */
  begin(run: string): StandbyHandover | null {
    const text = Buffer.from(run, 'utf8');
    // A NUL could not be an argv byte of a new session either (node-pty passes C strings).
    // The FIFO is also held by the pipeline's subshell (STANDBY_BOOTSTRAP), which outlives a
    // session shell killed while waiting by a moment, so the write would still succeed: without
    // the shell the run could not start, and the task starts its own session instead.
    if (this.state !== 'armed' || this.fifoFd === null || text.length > MAX_RUN_BYTES || text.includes(0) || !isRunning(this.pty.pid)) {
      this.dispose();
      return null;
    }
    let written = 0;
    try {
      written = writeSync(this.fifoFd, text);
    } catch {
      // EPIPE: the shell is gone
    }
    if (written !== text.length) {
      this.dispose();
      return null;
    }
    closeSync(this.fifoFd);
    this.fifoFd = null;
    this.state = 'handed-over';
    stopYielding(this.pty);
    for (const listener of this.listeners) listener.dispose();
    const handover = { pty: this.pty, slave: this.slave, markers: this.markers };
    this.slave = null;
    return handover;
  }

  /** Ends an unused shell: kills it and closes what the agent holds, its PTY's master at once. */
  dispose(): void {
    if (this.state === 'handed-over' || this.state === 'gone') return;
    try {
      killProcessGroup(this.pty.pid);
    } catch {
      // already gone
    }
    this.end();
    closePty(this.pty);
  }

  /**
   * The FIFO is opened without blocking: that succeeds once the shell has opened it for
   * reading, a few microseconds after it wrote the ready marker; until then ENXIO, tried again.
   */
  private arm(attemptsLeft: number): void {
    if (this.state !== 'starting') return;
    try {
      this.fifoFd = openSync(this.fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENXIO' && attemptsLeft > 1) {
        setTimeout(() => this.arm(attemptsLeft - 1), 1);
        return;
      }
      this.failedOnItsOwn = true;
      this.dispose();
      return;
    }
    this.state = 'armed';
    this.settleArmed(true);
  }

  /** The shell is not to be used: what the agent holds is closed, `armed` settles false. */
  private end(): void {
    this.state = 'gone';
    for (const listener of this.listeners) listener.dispose();
    if (this.fifoFd !== null) closeSync(this.fifoFd);
    this.fifoFd = null;
    if (this.slave !== null) closeSync(this.slave);
    this.slave = null;
    this.settleArmed(false);
  }
}
