import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, startTestServer, waitFor, waitForResults, type TestServer } from '../support/harness.js';
import { tempDir } from '../support/processes.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/**
 * A real agent reaches the control plane through a TCP proxy that cuts, blackholes, or drops the
 * agent-to-server direction while the link stays up. Every run still ends Success, with its
 * complete output in order, executed exactly once.
 */
let test: TestServer;
let proxy: TcpProxy;
let agent: Agent;
let instanceId: string;
const dirs: string[] = [];

beforeAll(async () => {
  test = await startTestServer();
  proxy = new TcpProxy(test.server.port);
  const proxyPort = await proxy.listen();
  const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
  const stateDir = tempDir('casim-link-agent-');
  dirs.push(stateDir, test.dataDir);
  agent = new Agent({ server: `http://127.0.0.1:${proxyPort}`, stateDir, activation: { id: ActivationId, code: ActivationCode }, logger: createLogger('test-agent') });
  agent.start();
  instanceId = await waitFor(() => (agent.instanceId && test.server.sessions.isConnected(agent.instanceId) ? agent.instanceId : undefined), 15_000, 'agent registration');
}, 30_000);

afterAll(async () => {
  agent?.stop();
  await proxy?.close();
  await test?.close();
  for (const dir of dirs) removeDir(dir);
});

const LINES = 20;
const expectedOutput = Array.from({ length: LINES }, (_, i) => `line-${i + 1}\n`).join('');

async function run(marker: string): Promise<string> {
  const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
    Type: 'RunShellScript',
    CommandContent: `echo run >> ${marker}; for i in $(seq 1 ${LINES}); do echo line-$i; sleep 0.1; done`,
    InstanceId: [instanceId],
  });
  return InvokeId;
}

async function status(invokeId: string): Promise<{ InvocationStatus: string; Output: string }> {
  const body = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; Output: string }> } } }>(
    'DescribeInvocationResults',
    { InvokeId: invokeId, ContentEncoding: 'PlainText' },
  );
  return body.Invocation.InvocationResults.InvocationResult[0]!;
}

function executions(marker: string): number {
  return existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter(Boolean).length : 0;
}

async function expectOnceAndComplete(invokeId: string, marker: string): Promise<void> {
  const [result] = await waitForResults(test.client, invokeId, 60_000);
  expect(result).toMatchObject({ InvocationStatus: 'Success', ErrorCode: '', Output: expectedOutput });
  expect(executions(marker)).toBe(1);
}

describe('an unreliable link between agent and control plane', () => {
  it('cut mid-run: the agent reconnects and the run ends Success with all its output, once', async () => {
    const marker = join(tempDir('casim-link-'), 'runs');
    const invokeId = await run(marker);
    await waitFor(async () => ((await status(invokeId)).Output.includes('line-3') ? true : undefined), 15_000, 'live output');
    proxy.cut();
    await expectOnceAndComplete(invokeId, marker);
  }, 60_000);

  it('blackholed both ways for 6 s mid-run: Success, complete output, once', async () => {
    const marker = join(tempDir('casim-link-'), 'runs');
    const invokeId = await run(marker);
    await waitFor(async () => ((await status(invokeId)).InvocationStatus === 'Running' ? true : undefined), 15_000, 'running');
    proxy.mode = 'blackhole';
    const dropped = proxy.dropped.upstream;
    await waitFor(() => (executions(marker) === 1 && proxy.dropped.upstream > dropped ? true : undefined), 15_000, 'frames lost in the blackhole');
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // the outage itself
    proxy.mode = 'pass';
    await expectOnceAndComplete(invokeId, marker);
  }, 60_000);

  it('agent-to-server direction dropped for 12 s from before the task: the started, output and final report arrive later; Success, once', async () => {
    const marker = join(tempDir('casim-link-'), 'runs');
    proxy.mode = 'drop-upstream';
    const dropped = proxy.dropped.upstream;
    const invokeId = await run(marker);
    // The agent got the task and ran it, but nothing it said reached the server.
    await waitFor(() => (executions(marker) === 1 ? true : undefined), 15_000, 'the script to start');
    await waitFor(() => (proxy.dropped.upstream > dropped ? true : undefined), 15_000, 'dropped frames');
    await new Promise((resolve) => setTimeout(resolve, 12_000)); // the outage itself
    expect((await status(invokeId)).InvocationStatus).toBe('Pending');
    proxy.mode = 'pass';
    await expectOnceAndComplete(invokeId, marker);
  }, 60_000);
});
