import type { TaskOutcome } from './protocol.js';

export type PowerAction = 'reboot' | 'power-off';

/** Exit code 194 reboots the instance, 193 powers it off, after the final report (reference agent §1.9). */
export const REBOOT_EXIT_CODE = 194;
export const POWER_OFF_EXIT_CODE = 193;

/** The power action a run's outcome asks for, if any. Pure; used by the control plane and the agent. */
export function powerActionOf(outcome: TaskOutcome): PowerAction | null {
  if (outcome.kind !== 'exited') return null;
  if (outcome.exitCode === REBOOT_EXIT_CODE) return 'reboot';
  if (outcome.exitCode === POWER_OFF_EXIT_CODE) return 'power-off';
  return null;
}
