import { constants, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IPty } from 'node-pty';
import { PTY_COLUMNS, PTY_ROWS, PTY_TERM } from './pty-environment.js';

type NodePty = typeof import('node-pty');
let nodePty: NodePty | undefined;

/**
 * PTYs of this process whose master is still open. forkpty(3) leaves the master without
 * close-on-exec, so every session forked while another PTY is open inherits that one's master
 * (node-pty 1.1; dash cannot close a descriptor above 9). A session shell started ahead
 * (standby-slot.ts) is forked only when none is open, so it and its script inherit nothing.
 */
const openPtys = new Set<IPty>();
let whenNoneOpen: Array<() => void> = [];
/**
 * PTYs that no run needs any more, each with what ends it: session shells waiting for a task
 * (standby-shell.ts) and the terminals of runs that are over (closePtySoon). Every fork ends
 * them first (their master closed at once), so that no session inherits theirs.
 */
const yielding = new Map<IPty, () => void>();

/**
 * Calls `then` in a later turn of the event loop (after what the current one started, such as
 * a run's report), at a moment when no PTY of this process is open.
 */
export function whenNoPtyOpen(then: () => void): void {
  const check = (): void => {
    if (openPtys.size === 0) then();
    else whenNoneOpen.push(() => setImmediate(check));
  };
  setImmediate(check);
}

/**
 * Closes the PTY's master now (node-pty's destroy: the read stream and its descriptor, then a
 * SIGHUP to the session shell), for a run that is over (pty-session.ts: both markers seen), so
 * that the next session need not wait for node-pty to notice the shell's exit.
 */
export function closePty(pty: IPty): void {
  yielding.delete(pty);
  if (!openPtys.has(pty)) return;
  (pty as IPty & { destroy?: () => void }).destroy?.();
  closed(pty);
}

/**
 * closePty after the current turn (after what it started, such as the run's report), or before
 * the next fork, whichever comes first: a run that starts at once must not inherit the master.
 */
export function closePtySoon(pty: IPty): void {
  if (!openPtys.has(pty)) return;
  yielding.set(pty, () => closePty(pty));
  setImmediate(() => closePty(pty));
}

/** A waiting shell is given its run: from now on it is a session like any other. */
export function stopYielding(pty: IPty): void {
  yielding.delete(pty);
}

function closed(pty: IPty): void {
  yielding.delete(pty);
  if (!openPtys.delete(pty) || openPtys.size > 0) return;
  const waiting = whenNoneOpen;
  whenNoneOpen = [];
  for (const then of waiting) then();
}

/**
 * A session shell in a new PTY of the scripts' size and terminal type, giving raw bytes (onData
 * then gets Buffers, verified on Linux, never lossy UTF-8 strings). node-pty (a native addon)
 * is loaded with the first script, not by an idle agent. Shells waiting for a task are ended
 * first; `yieldTo`, for such a shell, is what ends it (it must close its master: closePty).
 */
export function spawnPty(file: string, args: string[], cwd: string, env: Record<string, string>, yieldTo?: () => void): IPty {
  nodePty ??= createRequire(import.meta.url)('node-pty') as NodePty;
  for (const end of [...yielding.values()]) end();
  const pty = nodePty.spawn(file, args, { name: PTY_TERM, cols: PTY_COLUMNS, rows: PTY_ROWS, cwd, env, encoding: null });
  openPtys.add(pty);
  if (yieldTo !== undefined) yielding.set(pty, yieldTo);
  // node-pty emits exit once the master is closed (its read stream's close).
  pty.onExit(() => closed(pty));
  return pty;
}

/**
 * Opens the PTY's slave side, so that it does not hang up while the agent still reads (see
 * pty-session.ts); null when that is not node-pty's UnixTerminal or the session already ended.
 */
export function openSlave(pty: IPty): number | null {
  const ptsName: unknown = (pty as IPty & { ptsName?: unknown }).ptsName;
  if (typeof ptsName !== 'string') return null;
  try {
    return openSync(ptsName, constants.O_RDWR | constants.O_NOCTTY);
  } catch {
    return null;
  }
}
