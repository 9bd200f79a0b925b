import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import winston from 'winston';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.js';
import { startServer } from '../../controlplane/server.js';
import { removeDir, TEST_KEY, waitFor } from '../support/harness.js';

const CLI = join(process.cwd(), 'dist/cli/casim.js');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) removeDir(dir);
});

function serverProcess(port: number, dataDir: string): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'server', '--port', String(port), '--data-dir', dataDir, '--no-fleet'], {
    stdio: 'ignore',
    env: { ...process.env, CASIM_ACCESS_KEY_ID: TEST_KEY.id, CASIM_ACCESS_KEY_SECRET: TEST_KEY.secret },
  });
  children.push(child);
  return child;
}

const answers = (url: string) => fetch(url).then(() => true, () => undefined);

describe('the server process', () => {
  it('keeps what it acknowledged when it is killed with SIGKILL', async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli/casim.js is missing: run `npm run build` first (make test does)');
    const dataDir = mkdtempSync(join(tmpdir(), 'casim-crash-server-'));
    dirs.push(dataDir);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const url = `http://127.0.0.1:${port}`;
    const client = new ApiClient({ server: url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
    const first = serverProcess(port, dataDir);
    await waitFor(() => answers(url), 15_000, 'server start');
    const { CommandId } = await client.call<{ CommandId: string }>('CreateCommand', { Name: 'survivor', Type: 'RunShellScript', CommandContent: Buffer.from('true').toString('base64') });
    const { ActivationId } = await client.call<{ ActivationId: string }>('CreateActivation', { Description: 'survives' });
    first.kill('SIGKILL');
    await waitFor(async () => ((await answers(url)) ? undefined : true), 10_000, 'server death');
    serverProcess(port, dataDir);
    await waitFor(() => answers(url), 15_000, 'server restart');
    const commands = await client.call<{ Commands: { Command: Array<{ CommandId: string; Name: string }> } }>('DescribeCommands', { CommandId });
    expect(commands.Commands.Command).toEqual([expect.objectContaining({ CommandId, Name: 'survivor' })]);
    const activations = await client.call<{ ActivationList: Array<{ Description: string }> }>('DescribeActivations', { ActivationId });
    expect(activations.ActivationList).toEqual([expect.objectContaining({ Description: 'survives' })]);
  }, 60_000);

  it('logs one line per call: action, HTTP status, error code, duration and RequestId', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const logger = winston.createLogger({ level: 'info', format: winston.format.printf(({ message }) => String(message)), transports: [new winston.transports.Stream({ stream })] });
    const dataDir = mkdtempSync(join(tmpdir(), 'casim-log-'));
    dirs.push(dataDir);
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], logger });
    try {
      const client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
      await client.call('DescribeCommands', {});
      await client.call('InvokeCommand', { CommandId: 'c-missing', InstanceId: ['i-x'] }).catch(() => undefined);
      await waitFor(() => (lines.filter((l) => l.startsWith('api ')).length >= 2 ? true : undefined), 5_000, 'log lines');
      const api = lines.filter((l) => l.startsWith('api '));
      expect(api[0]).toMatch(/^api DescribeCommands 200 \d+\.\dms [0-9A-F-]{36}$/);
      expect(api[1]).toMatch(/^api InvokeCommand 404 InvalidCmdId\.NotFound \d+\.\dms [0-9A-F-]{36}$/);
    } finally {
      await server.close();
    }
  });
});
