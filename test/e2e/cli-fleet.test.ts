import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, removeContainersOfInstances, skipDocker } from '../support/docker.js';
import { removeDir, startTestServer, TEST_KEY, type TestServer } from '../support/harness.js';

const CLI = join(process.cwd(), 'dist/cli/casim.js');

describe.skipIf(skipDocker)('casim fleet up / ls / down and casim run, as a user types them', () => {
  let test: TestServer;
  let ids: string[] = [];

  function casim(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [CLI, ...args, '--server', test.server.url], {
      env: { ...process.env, CASIM_ACCESS_KEY_ID: TEST_KEY.id, CASIM_ACCESS_KEY_SECRET: TEST_KEY.secret },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli/casim.js is missing: run `npm run build` first (make test does)');
    test = await startTestServer({ fleet: 'docker' });
  });
  afterAll(async () => {
    await removeContainersOfInstances(ids);
    await test?.close();
    if (test) removeDir(test.dataDir);
  });

  it('fleet up starts 2 instances and returns once their agents are online', async () => {
    const up = await casim(['fleet', 'up', '--count', '2', '--name', 'cli']);
    expect(up.status).toBe(0);
    ids = up.stdout.trim().split('\n');
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^i-/);
  });

  it('fleet ls lists them with Cloud Assistant status true', async () => {
    const ls = await casim(['fleet', 'ls']);
    expect(ls.status).toBe(0);
    const lines = ls.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^INSTANCE\s+NAME\s+IMAGE\s+CLOUD-ASSISTANT/);
    for (const id of ids) expect(lines.find((l) => l.startsWith(id))).toMatch(/\scli-\d\s+casim\/instance\s+true\s/);
  });

  it('run without -i runs on every fleet instance and prefixes each line with its instance', async () => {
    const run = await casim(['run', 'hostname']);
    expect(run.status).toBe(0);
    for (const id of ids) {
      expect(run.stdout).toContain(`[${id}] ${id}\n`);
      expect(run.stdout).toContain(`${id}: Success (exit code 0)\n`);
    }
  });

  it('fleet down deletes the instances and their containers', async () => {
    const down = await casim(['fleet', 'down']);
    expect(down).toMatchObject({ status: 0, stdout: 'deleted 2 instance(s)\n' });
    for (const id of ids) {
      expect(await docker.listContainers({ all: true, filters: { label: [`casim.instance=${id}`] } })).toEqual([]);
    }
  });
});
