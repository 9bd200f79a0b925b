import { spawn } from 'node:child_process';
import type { PowerAction } from '../shared/power-action.js';

/** Reboots or powers off this machine (systemctl, else reboot / poweroff), detached. */
export function runPowerAction(action: PowerAction): void {
  const command = action === 'reboot' ? 'reboot' : 'poweroff';
  const child = spawn('systemctl', [command], { stdio: 'ignore', detached: true });
  child.on('error', () => spawn(command, [], { stdio: 'ignore', detached: true }).on('error', () => undefined));
  child.unref();
}
