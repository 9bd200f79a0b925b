import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient } from '../../cli/api-client.js';
import { TEST_KEY } from './harness.js';

const CLI = join(process.cwd(), 'dist/cli/casim.js');

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A real `casim server` process (from dist/: `npm run build` first) on a port of its choosing. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything it wrote so far. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<ProcessExit>;
  /** Resolves with the first stdout line matching `pattern`; rejects when the process exits first. */
  line(pattern: RegExp): Promise<string>;
}

const running = new Set<ChildProcess>();

/** SIGKILLs every server process still running (call in afterAll / afterEach). */
export function killServerProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Spawns `casim server --port 0 --no-fleet --data-dir <dataDir>`; see `startedServer` to wait for it. */
export function spawnServer(dataDir: string, extraArgs: string[] = []): ServerProcess {
  if (!existsSync(CLI)) throw new Error('dist/cli/casim.js is missing: run `npm run build` first (make test does)');
  const child = spawn(process.execPath, [CLI, 'server', '--port', '0', '--data-dir', dataDir, '--no-fleet', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CASIM_ACCESS_KEY_ID: TEST_KEY.id, CASIM_ACCESS_KEY_SECRET: TEST_KEY.secret },
  });
  running.add(child);
  let out = '';
  let err = '';
  const waiters: Array<{ pattern: RegExp; resolve(line: string): void }> = [];
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const check = (): void => {
    for (const waiter of [...waiters]) {
      const line = out.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    check();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line: (pattern) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void exited.then(({ code, signal }) => {
          reject(new Error(`casim server exited (${code ?? signal}) before printing ${pattern}; stderr: ${err}`));
        });
      }),
  };
}

export interface StartedServer extends ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly client: ApiClient;
}

/** Spawns a server and waits for its banner (`casim server on http://…`). */
export async function startedServer(dataDir: string, extraArgs: string[] = []): Promise<StartedServer> {
  const server = spawnServer(dataDir, extraArgs);
  const banner = await server.line(/^casim server on http:\/\//);
  const url = banner.slice('casim server on '.length).trim();
  const client = new ApiClient({ server: url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
  return { ...server, url, port: Number(new URL(url).port), client };
}
