import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Percentiles and the machine line shared by the benchmarks. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function summary(samples: readonly number[]): { p50: number; p99: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

export function machine(): string {
  const cpu = cpus();
  return `${new Date().toISOString().slice(0, 10)} — ${cpu.length} cores (${cpu[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export const ms = (n: number): string => `${n.toFixed(2)} ms`;

export function rssOf(pid: number | 'self'): number {
  return rssOfStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** VmRSS in MiB from the text of /proc/<pid>/status (Linux; the file gives kB). */
export function rssOfStatus(status: string): number {
  const match = /VmRSS:\s+(\d+)/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * user + system CPU time of a process in ms (/proc/<pid>/stat, clock ticks of 10 ms); with
 * `mainThreadOnly`, of its main thread alone (the event loop; /proc/<pid>/task/<pid>/stat).
 */
export function cpuMsOf(pid: number, mainThreadOnly = false): number {
  return cpuMsOfStat(readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8'));
}

/** user + system CPU time in ms from the text of /proc/<pid>/stat. */
export function cpuMsOfStat(stat: string): number {
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
