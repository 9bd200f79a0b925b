import { readdirSync, readFileSync } from 'node:fs';
import type { TerminationMode } from '../../shared/protocol.js';

/** The fields of `/proc/<pid>/stat` the runner needs. */
export interface ProcessEntry {
  pid: number;
  /** One letter: R, S, D, Z, T, … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
}

/** Parses `/proc/<pid>/stat`: `pid (comm) state ppid pgrp session …`; comm may hold spaces and `)`. */
export function parseProcStat(text: string): ProcessEntry | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const fields = text.slice(close + 2).split(' ');
  if (fields.length < 4) return null;
  const [state, ppid, pgrp, session] = [fields[0]!, Number(fields[1]), Number(fields[2]), Number(fields[3])];
  if (![pid, ppid, pgrp, session].every(Number.isInteger)) return null;
  return { pid, state, ppid, pgrp, session };
}

/** Whether the process exists and has not exited (a zombie has). */
export function isRunning(pid: number, procRoot = '/proc'): boolean {
  try {
    const entry = parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
    return entry !== null && entry.state !== 'Z' && entry.state !== 'X';
  } catch {
    return false;
  }
}

/** A snapshot of every process (those that vanish while reading are left out). */
export function readProcessTable(procRoot = '/proc'): ProcessEntry[] {
  const table: ProcessEntry[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${name}/stat`, 'utf8');
    } catch {
      continue; // exited between readdir and read
    }
    const entry = parseProcStat(text);
    if (entry !== null) table.push(entry);
  }
  return table;
}

/**
 * `rootPid` and everything below it by parent links, plus every process still in the session
 * `rootPid` leads (the PTY session: this also catches orphans that were re-parented to init but
 * did not call setsid). Zombies are left out: they are dead already.
 */
export function collectProcessTree(rootPid: number, table: readonly ProcessEntry[]): number[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of table) {
    const siblings = children.get(entry.ppid);
    if (siblings) siblings.push(entry);
    else children.set(entry.ppid, [entry]);
  }
  const found = new Set<number>();
  const queue: number[] = [];
  const add = (pid: number): void => {
    if (found.has(pid)) return;
    found.add(pid);
    queue.push(pid);
  };
  if (table.some((entry) => entry.pid === rootPid)) add(rootPid);
  for (const entry of table) if (entry.session === rootPid) add(entry.pid);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) add(child.pid);
  }
  const zombies = new Set(table.filter((entry) => entry.state === 'Z').map((entry) => entry.pid));
  return [...found].filter((pid) => !zombies.has(pid));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    // ESRCH: already gone. Anything else (EPERM) cannot be helped here either.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/** SIGKILL to the process group `pgid` (the PTY session leader's group). */
export function killProcessGroup(pgid: number): void {
  signal(-pgid, 'SIGKILL');
}

const MAX_FREEZE_ROUNDS = 20;

/**
 * Kills `rootPid` and every descendant, including ones that called setsid. The tree is
 * collected first and frozen with SIGSTOP, round after round until no new process appears (a
 * stopped process cannot fork, and a live parent keeps its children's parent links), then all
 * of it gets SIGKILL, then the group. Returns the pids that were signalled.
 */
export function killProcessTree(rootPid: number, procRoot = '/proc'): number[] {
  const frozen = new Set<number>();
  for (let round = 0; round < MAX_FREEZE_ROUNDS; round++) {
    const fresh = collectProcessTree(rootPid, readProcessTable(procRoot)).filter((pid) => !frozen.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      signal(pid, 'SIGSTOP');
      frozen.add(pid);
    }
  }
  for (const pid of frozen) signal(pid, 'SIGKILL');
  killProcessGroup(rootPid);
  return [...frozen];
}

/** Stops a run per its TerminationMode: `Process` = the shell's process group, `ProcessTree` = everything below it. */
export function terminate(mode: TerminationMode, rootPid: number): void {
  switch (mode) {
    case 'Process':
      killProcessGroup(rootPid);
      return;
    case 'ProcessTree':
      killProcessTree(rootPid);
      return;
    default: {
      const unknown: never = mode;
      throw new Error(`unknown termination mode ${String(unknown)}`);
    }
  }
}
