import { randomBytes } from 'node:crypto';
import { closeSync } from 'node:fs';
import type { IPty } from 'node-pty';
import { launchCommand, standbyRun, type UserSwitch } from './launch-command.js';
import { MarkerScanner } from './marker-scanner.js';
import { closePtySoon, openSlave, spawnPty } from './pty-spawn.js';
import { parseScriptStatus, sessionMarkers, STATUS_DIGITS, type SessionMarkers } from './session-markers.js';
import type { StandbyShell } from './standby-shell.js';

export interface PtySessionExit {
  exitCode: number;
  /** The signal that killed the session shell, 0 when it exited. */
  signal: number;
}

export interface PtySessionOptions {
  /** The argv that runs the script (launcher.ts `scriptArgv`). */
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Run as this user through setpriv; null to run as the agent's user. */
  switchTo: UserSwitch | null;
  /** Raw output bytes in order; called for every byte the script writes before `exited` settles. */
  onOutput(chunk: Buffer): void;
  /**
   * An armed session shell started ahead for this environment as the agent's user (switchTo
   * null): the run is given to it instead of a new PTY; when it cannot take it (it ended), a
   * new PTY is started as without one.
   */
  standby?: StandbyShell | null;
}

/**
 * One script in a PTY (node-pty), with every byte it writes delivered before `exited` settles.
 *
 * Why not just wait for node-pty's exit: node-pty emits exit after its read stream closes, but on
 * Linux libuv ends that stream early. When the slave side hangs up (POLLHUP) right after a read
 * that did not fill libuv's buffer, libuv reports EOF without reading again, although the PTY
 * still holds data; the last KB or so of a fast script's output was lost in a few runs in a hundred here
 * (node-pty issues #72, #85, #726). So the agent holds the slave side open itself (no hang-up,
 * so libuv keeps reading) until the end marker `cat` writes after the script's output has arrived:
 * every byte before it has been read. The slave is released then, and the run is over: with the
 * script's exit status (the status marker, written before the end marker) it settles at once,
 * without waiting for the session shell to exit and node-pty to notice. Bytes a left-over
 * process writes straight to the terminal after that are not the run's. When a marker never
 * comes (the session was killed), the exit is awaited: node-pty gives up 200 ms after it and
 * reports it, which bounds the wait.
 */
export class PtySession {
  readonly pid: number;
  readonly exited: Promise<PtySessionExit>;
  private heldSlave: number | null = null;

  constructor(options: PtySessionOptions) {
    const { pty, markers } = this.open(options);
    const statuses = new MarkerScanner(Buffer.from(markers.status, 'latin1'), STATUS_DIGITS);
    // Nothing after the end marker is the run's (its here-doc's newline, a left-over process).
    const ends = new MarkerScanner(Buffer.from(markers.end, 'latin1'), 0, 'drop');
    this.pid = pty.pid;

    this.exited = new Promise<PtySessionExit>((resolve) => {
      let settled = false;
      const settle = (exit: PtySessionExit): void => {
        if (settled) return;
        settled = true;
        data.dispose();
        exited.dispose();
        this.releaseSlave();
        resolve(exit);
      };
      const data = pty.onData((raw: string | Buffer) => {
        const output = ends.push(statuses.push(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw));
        if (output.length > 0) options.onOutput(output);
        if (!ends.found) return;
        this.releaseSlave();
        const status = statuses.trailer === null ? null : parseScriptStatus(statuses.trailer);
        if (status === null) return;
        settle({ exitCode: status, signal: 0 });
        // The run is over: its terminal too (the shell is exiting; what a left-over process
        // writes to it is not the run's), so that the next session starts without waiting for
        // node-pty to notice the exit; after the run's report has gone out.
        closePtySoon(pty);
      });
      const exited = pty.onExit(({ exitCode, signal }) => {
        // Let data events already queued behind the exit run first.
        setImmediate(() => {
          if (settled) return;
          const rest = Buffer.concat([ends.push(statuses.flush()), ends.flush()]);
          if (rest.length > 0) options.onOutput(rest);
          settle({ exitCode, signal: signal ?? 0 });
        });
      });
    });
  }

  /**
   * The run's PTY and markers: the standby shell's, given this run, else a new session's (its
   * slave held open).
   */
  private open(options: PtySessionOptions): { pty: IPty; markers: SessionMarkers } {
    const handover = options.standby?.begin(standbyRun(options.argv, options.cwd)) ?? null;
    if (handover !== null) {
      this.heldSlave = handover.slave;
      return handover;
    }
    const markers = sessionMarkers(randomBytes(16).toString('hex'));
    const command = launchCommand(options.argv, markers, options.switchTo);
    const pty = spawnPty(command.file, command.args, options.cwd, options.env);
    this.heldSlave = openSlave(pty);
    return { pty, markers };
  }

  private releaseSlave(): void {
    if (this.heldSlave === null) return;
    const fd = this.heldSlave;
    this.heldSlave = null;
    closeSync(fd);
  }
}
