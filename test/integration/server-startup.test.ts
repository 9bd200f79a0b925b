import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../support/harness.js';
import { killServerProcesses, spawnServer, startedServer } from '../support/server-process.js';

const dirs: string[] = [];
afterAll(() => {
  killServerProcesses();
  for (const dir of dirs) removeDir(dir);
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Runs a server expected to refuse to start; returns its exit code and stderr. */
async function refusedStart(dataDir: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const server = spawnServer(dataDir);
  const { code } = await server.exited;
  return { code, stderr: server.stderr(), stdout: server.stdout() };
}

describe('casim server start-up errors', () => {
  // Paths that fail for root too (chmod does not stop root).
  it('names the data dir and the cause when the data dir cannot be created (ENOTDIR), in one line without a stack', async () => {
    const root = tempDir('casim-startup-');
    writeFileSync(join(root, 'a-file'), 'not a directory');
    const dataDir = join(root, 'a-file', 'data');
    const { code, stderr } = await refusedStart(dataDir);
    expect(code).toBe(1);
    expect(stderr).toBe(`casim server: cannot create data dir ${dataDir}: not a directory (ENOTDIR)\n`);
  });

  it('names the store file and the cause when the store cannot be opened (it is a directory)', async () => {
    const dataDir = tempDir('casim-startup-');
    mkdirSync(join(dataDir, 'casim.sqlite'));
    const { code, stderr } = await refusedStart(dataDir);
    expect(code).toBe(1);
    expect(stderr).toBe(`casim server: cannot open store ${join(dataDir, 'casim.sqlite')}: it is a directory (SQLITE_CANTOPEN)\n`);
  });

  it('names the store file when it is not a database', async () => {
    const dataDir = tempDir('casim-startup-');
    writeFileSync(join(dataDir, 'casim.sqlite'), 'x'.repeat(4096));
    const { code, stderr } = await refusedStart(dataDir);
    expect(code).toBe(1);
    expect(stderr).toBe(`casim server: cannot open store ${join(dataDir, 'casim.sqlite')}: file is not a database (SQLITE_NOTADB)\n`);
  });
});

describe('one server per data dir', () => {
  it('refuses a second server on a data dir in use, naming the holder pid and URL; the first keeps serving', async () => {
    const dataDir = tempDir('casim-lock-');
    const first = await startedServer(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, 'casim.lock.json'), 'utf8'))).toMatchObject({ pid: first.child.pid, url: first.url });

    const { code, stderr, stdout } = await refusedStart(dataDir);
    expect(code).toBe(1);
    expect(stdout).toBe(''); // it never listened
    expect(stderr).toBe(
      `casim server: data dir ${dataDir} is in use by another casim server: pid ${first.child.pid} on ${hostname()}, ${first.url} (lock ${join(dataDir, 'casim.lock')})\n`,
    );
    await expect(first.client.call('DescribeCommands', {})).resolves.toMatchObject({ TotalCount: 0 });
  });

  it('lets a server start on the data dir of one that was killed with SIGKILL (the lock is never stale)', async () => {
    const dataDir = tempDir('casim-lock-');
    const first = await startedServer(dataDir);
    await first.client.call('CreateCommand', { Name: 'kept', Type: 'RunShellScript', CommandContent: Buffer.from('true').toString('base64') });
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startedServer(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, 'casim.lock.json'), 'utf8'))).toMatchObject({ pid: second.child.pid, url: second.url });
    await expect(second.client.call('DescribeCommands', { Name: 'kept' })).resolves.toMatchObject({ TotalCount: 1 });
  });
});
