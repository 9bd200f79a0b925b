/**
 * Issue 9 §6: the demo's server must not receive the terminal's Ctrl-C (which goes to the whole
 * foreground process group), so that the demo can still remove the instances through it. A
 * stand-in for the demo (built dist/cli/demo-server-process.js) runs in its own process group,
 * as a shell job does; the test sends SIGINT to that whole group, as the terminal would.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../support/harness.js';

const MODULE = join(process.cwd(), 'dist/cli/demo-server-process.js');
const dataDir = mkdtempSync(join(tmpdir(), 'casim-demo-server-'));
afterAll(() => removeDir(dataDir));

/** The demo stand-in: starts the server, then on SIGINT reports whether it still answers, and stops it. */
const STAND_IN = `
import { startDemoServer } from ${JSON.stringify(MODULE)};
const [port, dataDir] = process.argv.slice(-2);
const url = 'http://127.0.0.1:' + port + '/';
const answers = () => fetch(url).then(() => true, () => false);
const { pid, stop } = await startDemoServer(Number(port), dataDir, answers);
process.on('SIGINT', async () => {
  const alive = await answers();
  await stop();
  const afterStop = await answers();
  process.stdout.write('STAND-IN ' + JSON.stringify({ alive, afterStop }) + '\\n');
  process.exit(0);
});
process.stdout.write('STAND-IN ' + JSON.stringify({ ready: pid }) + '\\n');
`;

/** The process group of `pid` (Linux: field 5 of /proc/<pid>/stat). */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone, as it should be
  }
}

describe('the demo server process', () => {
  it('survives a Ctrl-C to the process group of the demo, and stops when the demo stops it', async () => {
    if (!existsSync(MODULE)) throw new Error('dist/cli/demo-server-process.js is missing: run `npm run build` first (make test does)');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const demo = spawn(process.execPath, ['--input-type=module', '-e', STAND_IN, String(port), dataDir], {
      detached: true, // its own process group, like a foreground job in a terminal
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CASIM_LOG_LEVEL: 'error' },
    });
    const lines: string[] = [];
    const nextLine = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const line = lines.shift();
          if (line !== undefined) resolve(line);
        };
        demo.stdout.on('data', (chunk: Buffer) => {
          lines.push(...chunk.toString().split('\n').filter((l) => l.startsWith('STAND-IN ')).map((l) => l.slice('STAND-IN '.length)));
          check();
        });
        demo.once('exit', (code) => reject(new Error(`the stand-in exited (${String(code)})`)));
        check();
      });
    let serverPid = 0;
    try {
      serverPid = (JSON.parse(await nextLine()) as { ready: number }).ready;
      expect(serverPid).toBeGreaterThan(0);
      // The terminal signals a process group: the server must not be in the demo's.
      expect(processGroupOf(serverPid)).not.toBe(processGroupOf(demo.pid!));
      expect(processGroupOf(demo.pid!)).toBe(demo.pid);
      process.kill(-demo.pid!, 'SIGINT'); // the terminal's Ctrl-C: every process of the group
      expect(JSON.parse(await nextLine())).toEqual({ alive: true, afterStop: false });
    } finally {
      demo.stdout.removeAllListeners();
      if (demo.exitCode === null) process.kill(-demo.pid!, 'SIGKILL');
      if (serverPid > 0) killQuietly(serverPid);
    }
  });
});
