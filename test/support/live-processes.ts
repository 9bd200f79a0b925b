import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat, type ProcessEntry } from '../../agent/runner/process-tree.js';

/** Every live (not zombie) process with its argv, from /proc (those that vanish while reading are left out). */
export function liveProcesses(): Array<ProcessEntry & { argv: string[] }> {
  const live: Array<ProcessEntry & { argv: string[] }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const entry = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (entry === null || entry.state === 'Z') continue;
      live.push({ ...entry, argv: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0') });
    } catch {
      // exited while reading
    }
  }
  return live;
}
