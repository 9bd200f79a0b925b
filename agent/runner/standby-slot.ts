import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { whenNoPtyOpen } from './pty-spawn.js';
import { StandbyShell } from './standby-shell.js';

/** Starts in a row that never armed, after which the slot starts no more. */
const MAX_FAILED_STARTS = 3;

/**
 * The agent's one session shell started ahead (standby-shell.ts), for scripts run as the agent's
 * own user. `take` hands out the shell when it was started with the same environment and starts
 * the next one once no PTY of the process is open (pty-spawn.ts: it inherits no other
 * session's terminal) and the holder has called `resume` (the agent: once a run's final report
 * is acknowledged, agent.ts). A task that finds none starts its session itself, as every task
 * did before. Held by the agent from its first host script to its stop.
 */
export class StandbySlot {
  private shell: StandbyShell | null = null;
  private starting = false;
  /** Who waits in whenReady for the shell being started. */
  private started: Array<() => void> = [];
  private stopped = false;
  private failedStarts = 0;
  /** The FIFO the standby shells read their run from, one at a time; removed at stop. */
  private readonly fifo: string;
  /** A start waiting for `resume`, with its environment. */
  private held: Record<string, string> | null = null;

  /** `dir`: where the FIFO is made (the script directory, which exists by the time a run is taken). */
  constructor(dir: string) {
    this.fifo = join(resolve(dir), `.casim-standby-${randomBytes(16).toString('hex')}`);
  }

  /**
   * Lets the start held since the last `take` go ahead. The agent calls it when a run's final
   * report is acknowledged: the fork (1.3 ms of the agent's event loop) then comes after the report's
   * commit, not between the report and that commit when the control plane shares the process
   * (the testkit's in-process agents): InvokeCommand → Success 6.5–7.3 → 5.2–5.6 ms there
   * (bench/invoke-latency.ts), unchanged for an agent in its own process.
   */
  resume(): void {
    const env = this.held;
    this.held = null;
    if (env !== null) this.startNext(env);
  }

  /** The armed shell for `env`, or null (none, another environment, or it ended); the next one, for `env`, starts at the next `resume`. */
  async take(env: Record<string, string>): Promise<StandbyShell | null> {
    const shell = this.shell;
    this.shell = null;
    this.held = env;
    if (shell === null) return null;
    if (!sameEnvironment(shell.env, env)) {
      shell.dispose();
      return null;
    }
    return (await shell.armed) ? shell : null;
  }

  /**
   * Whether shells are still started: after MAX_FAILED_STARTS in a row that never armed (no
   * FIFO can be made in the directory, say) the slot gives up, and every task starts its own
   * session without a wasted fork beside it.
   */
  get starts(): boolean {
    return !this.stopped && this.failedStarts < MAX_FAILED_STARTS;
  }

  /** The waiting shell's process ID, null when none is waiting or starting. */
  get waitingPid(): number | null {
    return this.shell?.usable === true ? this.shell.pid : null;
  }

  /** Settles once the shell being started (if any) is armed (true) or has failed (false). */
  async whenReady(): Promise<boolean> {
    if (this.shell === null && this.starting) await new Promise<void>((resolve) => this.started.push(resolve));
    return this.shell === null ? false : this.shell.armed;
  }

  /** Ends the waiting shell and starts no more. */
  stop(): void {
    this.stopped = true;
    this.held = null;
    this.shell?.dispose();
    this.shell = null;
    try {
      unlinkSync(this.fifo);
    } catch {
      // never made
    }
  }

  private startNext(env: Record<string, string>): void {
    if (this.starting || !this.starts) return;
    this.starting = true;
    whenNoPtyOpen(() => {
      this.starting = false;
      if (this.starts && this.shell?.usable !== true) {
        try {
          const shell = new StandbyShell(this.fifo, env);
          this.shell = shell;
          void shell.armed.then((armed) => {
            if (armed) this.failedStarts = 0;
            else if (shell.neverArmed) this.failedStarts += 1;
          });
        } catch {
          this.shell = null; // no PTY could be made: tasks start their own
          this.failedStarts += 1;
        }
      }
      const waiting = this.started;
      this.started = [];
      for (const resolve of waiting) resolve();
    });
  }
}

function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
