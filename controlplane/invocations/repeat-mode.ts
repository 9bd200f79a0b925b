import type { RepeatMode } from '../store/records.js';

/** Period, NextRebootOnly and EveryReboot tasks run more than once or later (spec §3). */
export function isRepeating(mode: RepeatMode): boolean {
  return mode === 'Period' || mode === 'NextRebootOnly' || mode === 'EveryReboot';
}

/** Runs on a boot of the instance (spec §20). */
export function runsOnBoot(mode: RepeatMode): boolean {
  return mode === 'NextRebootOnly' || mode === 'EveryReboot';
}
