import type { TaskOutcome } from '../../shared/protocol.js';
import type { RepeatMode } from '../store/records.js';

/** Period, NextRebootOnly and EveryReboot tasks run more than once or later (spec §3). */
export function isRepeating(mode: RepeatMode): boolean {
  return mode === 'Period' || mode === 'NextRebootOnly' || mode === 'EveryReboot';
}

/** Runs on a boot of the instance (spec §20). */
export function runsOnBoot(mode: RepeatMode): boolean {
  return mode === 'NextRebootOnly' || mode === 'EveryReboot';
}

export type PowerAction = 'reboot' | 'power-off';

/** Exit code 194 reboots the instance, 193 powers it off, after the final report (spec §2). */
export const REBOOT_EXIT_CODE = 194;
export const POWER_OFF_EXIT_CODE = 193;

export function powerActionOf(outcome: TaskOutcome): PowerAction | null {
  if (outcome.kind !== 'exited') return null;
  if (outcome.exitCode === REBOOT_EXIT_CODE) return 'reboot';
  if (outcome.exitCode === POWER_OFF_EXIT_CODE) return 'power-off';
  return null;
}
