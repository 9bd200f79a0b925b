import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_LOST_GRACE_MS } from '../../controlplane/invocations/invocation-service.js';
import { AdjustableClock } from '../../shared/clock.js';
import { removeDir, startLocalAgent, startTestServer, waitFor, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';

/**
 * A run whose agent dies and never comes back ends within the documented bound:
 * Error / ClientNotResponse once AGENT_LOST_GRACE_MS has passed after its Timeout. Simulated
 * time jumps past the bound; nothing is waited for in real time but the 5 s sweep.
 */
const clock = new AdjustableClock();
let test: TestServer;
let local: LocalAgent;

beforeAll(async () => {
  test = await startTestServer({ clock });
  local = await startLocalAgent(test, 'gone');
});
afterAll(async () => {
  local?.agent.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (local) removeDir(local.stateDir);
});

async function result(invokeId: string): Promise<{ InvocationStatus: string; ErrorCode: string }> {
  const body = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; ErrorCode: string }> } } }>(
    'DescribeInvocationResults',
    { InvokeId: invokeId },
  );
  return body.Invocation.InvocationResults.InvocationResult[0]!;
}

describe('a run whose agent is gone', () => {
  it('stays Running within Timeout + grace, then ends Error / ClientNotResponse', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript', CommandContent: 'echo begin; sleep 600', InstanceId: [local.instanceId], Timeout: 15,
    });
    await waitFor(async () => ((await result(InvokeId)).InvocationStatus === 'Running' ? true : undefined), 10_000, 'running');
    // The agent dies without a word (its process is gone; it is never restarted).
    local.agent.stop();
    await waitFor(() => (test.server.sessions.isConnected(local.instanceId) ? undefined : true), 10_000, 'disconnect');
    // Just inside the bound: still Running after a sweep.
    clock.advance(15_000 + AGENT_LOST_GRACE_MS - 10_000);
    const sweepsBefore = Date.now();
    await waitFor(() => (Date.now() - sweepsBefore > 5_500 ? true : undefined), 7_000, 'one sweep');
    expect((await result(InvokeId)).InvocationStatus).toBe('Running');
    // Past it: ended by the next sweep.
    clock.advance(20_000);
    const [final] = await waitForResults(test.client, InvokeId, 10_000);
    expect(final).toMatchObject({ InvocationStatus: 'Error', ErrorCode: 'ClientNotResponse', ErrorInfo: 'the aliyun service in the instance does not response' });
  }, 40_000);
});
