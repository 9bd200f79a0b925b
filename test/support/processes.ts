import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real `casim agent` processes and the bits crash and outage tests share (built CLI in dist/);
 * `casim server` processes are in server-process.ts.
 */
export const CLI = join(process.cwd(), 'dist/cli/casim.js');

export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error('dist/cli/casim.js is missing: run `npm run build` first (make test does)');
}

/** A free loopback port (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** `casim agent` as a child process, registered through an activation (identity kept in `stateDir`). */
export function spawnAgent(server: string, stateDir: string, activation?: { id: string; code: string }): ChildProcess {
  requireBuild();
  const args = [CLI, 'agent', '--server', server, '--state-dir', stateDir];
  if (activation) args.push('--activation-id', activation.id, '--activation-code', activation.code);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CASIM_LOG_LEVEL: 'warn' } });
  child.stderr!.resume();
  return child;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await done;
}
