import { spawn } from 'node:child_process';
import type { TaskOutcome } from '../shared/protocol.js';

export type AgentPowerAction = 'reboot' | 'power-off';

/** Exit code 194 asks for a reboot, 193 for a power-off (reference agent §1.9). Pure. */
export function requestedPowerAction(outcome: TaskOutcome): AgentPowerAction | null {
  if (outcome.kind !== 'exited') return null;
  if (outcome.exitCode === 194) return 'reboot';
  if (outcome.exitCode === 193) return 'power-off';
  return null;
}

/** Reboots or powers off this machine (systemctl, as the real agent's side effect does). */
export function runPowerAction(action: AgentPowerAction): void {
  const child = spawn('systemctl', [action === 'reboot' ? 'reboot' : 'poweroff'], { stdio: 'ignore', detached: true });
  child.on('error', () => spawn(action === 'reboot' ? 'reboot' : 'poweroff', [], { stdio: 'ignore', detached: true }).on('error', () => undefined));
  child.unref();
}
