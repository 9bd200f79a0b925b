import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../cli/api-client.js';
import { TEST_KEY, waitFor } from './harness.js';

/** Real `casim` processes for crash and outage tests (built CLI in dist/). */
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

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  client: ApiClient;
  /** Everything the process wrote to stderr (its log). */
  log(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | string>;
}

/** `casim server` as a child process on `port` with its store in `dataDir`. */
export async function spawnServer(port: number, dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  requireBuild();
  const child = spawn(process.execPath, [CLI, 'server', '--port', String(port), '--data-dir', dataDir, '--no-fleet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CASIM_ACCESS_KEY_ID: TEST_KEY.id, CASIM_ACCESS_KEY_SECRET: TEST_KEY.secret, CASIM_LOG_LEVEL: 'warn', ...extraEnv },
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  child.stdout!.resume();
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const client = new ApiClient({ server: url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
  await waitFor(() => (child.exitCode !== null ? Promise.reject(new Error(`server exited: ${log}`)) : fetch(url).then(() => true, () => undefined)), 20_000, 'server start');
  return { child, url, client, log: () => log, exited };
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
