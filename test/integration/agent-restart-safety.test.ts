import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../controlplane/server.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, startLocalAgent, startTestServer, TEST_KEY, waitFor, waitForResults, type TestServer } from '../support/harness.js';

const CLI = join(process.cwd(), 'dist/cli/casim.js');

let test: TestServer;
const children: ChildProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli/casim.js is missing: run `npm run build` first (make test does)');
  test = await startTestServer();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await test?.close();
  for (const dir of [test?.dataDir, ...dirs]) if (dir) removeDir(dir);
});

function startAgentProcess(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'agent', '--server', test.server.url, ...args], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function runningOutput(invokeId: string, text: string): Promise<void> {
  await waitFor(async () => {
    const body = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; Output: string }> } } }>(
      'DescribeInvocationResults',
      { InvokeId: invokeId, ContentEncoding: 'PlainText' },
    );
    const row = body.Invocation.InvocationResults.InvocationResult[0];
    return row?.InvocationStatus === 'Running' && row.Output.includes(text) ? true : undefined;
  }, 15_000, 'running output');
}

describe('agent restart safety', () => {
  it('reports a run cut short by an agent crash as Error / ExecutionInterrupted, and never runs it twice', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'casim-crash-'));
    dirs.push(stateDir);
    const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
    const first = startAgentProcess(['--activation-id', ActivationId, '--activation-code', ActivationCode, '--state-dir', stateDir]);
    const instanceId = await waitFor(() => [...test.server.store.instances.all()].find((i) => i.activationId === ActivationId)?.instanceId, 15_000, 'registration');
    await waitFor(() => (test.server.sessions.isConnected(instanceId) ? true : undefined), 15_000, 'connection');
    const marker = join(stateDir, 'runs');
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: `echo run >> ${marker}; echo begin; sleep 30`,
      InstanceId: [instanceId],
    });
    await runningOutput(InvokeId, 'begin');
    first.kill('SIGKILL');
    await waitFor(() => (test.server.sessions.isConnected(instanceId) ? undefined : true), 10_000, 'disconnect');
    startAgentProcess(['--state-dir', stateDir]);
    const [result] = await waitForResults(test.client, InvokeId, 20_000);
    expect(result).toMatchObject({ InvocationStatus: 'Error', ErrorCode: 'ExecutionInterrupted' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(marker, 'utf8')).toBe('run\n');
  }, 60_000);

  it('reports a result produced while the control plane was down after reconnecting', async () => {
    const own = await startTestServer();
    const local = await startLocalAgent(own);
    dirs.push(local.stateDir, own.dataDir);
    const { InvokeId } = await own.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo early; sleep 2; echo late',
      InstanceId: [local.instanceId],
    });
    await waitFor(async () => {
      const body = await own.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string }> } } }>('DescribeInvocationResults', { InvokeId });
      return body.Invocation.InvocationResults.InvocationResult[0]?.InvocationStatus === 'Running' ? true : undefined;
    }, 10_000, 'running');
    const port = own.server.port;
    await own.close();
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // the script finishes meanwhile
    const again = await startServer({ host: '127.0.0.1', port, dataDir: own.dataDir, accessKeys: [TEST_KEY], logger: createLogger('test-controlplane') });
    try {
      const [result] = await waitForResults(own.client, InvokeId, 40_000);
      expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'early\nlate\n' });
    } finally {
      local.agent.stop();
      await again.close();
    }
  }, 70_000);
});
