import { existsSync, mkdirSync, writeFileSync } from './sync-fs.js';
import { join } from 'node:path';

/**
 * Like the real agent (reference-agent §2.10): a flag in /dev/shm, a RAM file system that a
 * reboot clears and an agent restart keeps (a container restart gives a fresh /dev/shm too).
 */
export const COLD_START_DIR = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';

export function coldStartFlag(instanceId: string, dir = COLD_START_DIR): string {
  return join(dir, `casim-agent-started-${instanceId.replace(/[^A-Za-z0-9_-]/g, '_')}`);
}

/** True on the first call for `instanceId` since the machine booted; marks the boot as seen. */
export function consumeColdStart(instanceId: string, dir = COLD_START_DIR): boolean {
  const flag = coldStartFlag(instanceId, dir);
  if (existsSync(flag)) return false;
  mkdirSync(dir, { recursive: true });
  writeFileSync(flag, `${process.pid}\n`);
  return true;
}
