import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAgent } from '../../loadgen/simulated-agent.js';
import type { AgentMessage, ServerMessage } from '../../shared/protocol.js';
import { startSimulatedFleet, type SimulatedFleet } from '../../loadgen/simulated-fleet.js';
import { removeDir, startTestServer, waitFor, waitForResults, type TestServer } from '../support/harness.js';

const AGENTS = 200;
let test: TestServer;
let fleet: SimulatedFleet;

beforeAll(async () => {
  test = await startTestServer();
  fleet = await startSimulatedFleet({ server: test.server.url, client: test.client, count: AGENTS, concurrency: 25 });
}, 60_000);
afterAll(async () => {
  fleet?.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
});

interface StatusBody {
  TotalCount: number;
  NextToken: string;
  InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ InstanceId: string; CloudAssistantStatus: string; InvocationCount: number }> };
}

interface ResultsBody {
  Invocation: { InvocationResults: { InvocationResult: Array<Record<string, unknown>> } };
}

describe('simulated agents (casim loadgen)', () => {
  it('registers 200 managed instances over the real protocol, all online', async () => {
    expect(new Set(fleet.instanceIds).size).toBe(AGENTS);
    const first = await test.client.call<StatusBody>('DescribeCloudAssistantStatus', { PageSize: 50 });
    expect(first.TotalCount).toBe(AGENTS);
    // Walk every page by NextToken (keyset): each instance once, all online.
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await test.client.call<StatusBody>('DescribeCloudAssistantStatus', { MaxResults: 50, ...(token ? { NextToken: token } : {}) });
      for (const s of page.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus) {
        expect(s.CloudAssistantStatus).toBe('true');
        seen.push(s.InstanceId);
      }
      token = page.NextToken || undefined;
    } while (token);
    expect(seen.sort()).toEqual([...fleet.instanceIds].sort());
  });

  it('answers RunCommand on every instance with exit code 0 and its fake output, and has nothing left unacknowledged', async () => {
    const batches = [fleet.instanceIds.slice(0, 100), fleet.instanceIds.slice(100)];
    const invokeIds = await Promise.all(batches.map(async (ids) => (await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript', CommandContent: 'echo not run', InstanceId: ids,
    })).InvokeId));
    for (const invokeId of invokeIds) {
      await waitFor(async () => {
        const body = await test.client.call<{ InvokeStatus?: string; Invocations: { Invocation: Array<{ InvocationStatus: string }> } }>('DescribeInvocations', { InvokeId: invokeId });
        return body.Invocations.Invocation[0]?.InvocationStatus === 'Success' ? true : undefined;
      }, 20_000, `${invokeId} Success`);
      const results = [];
      for (const page of [1, 2]) {
        const body = await test.client.call<ResultsBody>('DescribeInvocationResults', { InvokeId: invokeId, PageSize: 50, PageNumber: page, ContentEncoding: 'PlainText' });
        results.push(...body.Invocation.InvocationResults.InvocationResult);
      }
      expect(results).toHaveLength(100);
      for (const r of results) expect(r).toMatchObject({ InvocationStatus: 'Success', ExitCode: 0, Output: 'ok\n' });
    }
    expect(fleet.agents.reduce((n, a) => n + a.tasksRun, 0)).toBe(AGENTS);
    await waitFor(() => (fleet.agents.every((a) => a.unacknowledged === 0) ? true : undefined), 10_000, 'every report acknowledged');
  });

  it('comes back with its saved identity (hello, not a new registration) and takes new tasks', async () => {
    const first = fleet.agents[0]!;
    const identity = first.savedIdentity!;
    first.stop();
    await waitFor(() => (test.server.sessions.isConnected(identity.instanceId) ? undefined : true), 10_000, 'the session to close');
    const again = new SimulatedAgent({ server: test.server.url, identity });
    fleet.agents[0] = again;
    expect(await again.start()).toBe(identity.instanceId);
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [identity.instanceId] });
    const [result] = await waitForResults(test.client, InvokeId);
    expect(result).toMatchObject({ InstanceId: identity.instanceId, InvocationStatus: 'Success' });
    expect(again.tasksRun).toBe(1);
    const status = await test.client.call<StatusBody>('DescribeCloudAssistantStatus', {});
    expect(status.TotalCount).toBe(AGENTS);
  });

  it('speaks like the casim agent starting a task at once: task-started without a task-ack, answered by the finish-ack alone', async () => {
    const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
    const seen: Array<['in' | 'out', AgentMessage | ServerMessage]> = [];
    const agent = new SimulatedAgent({ server: test.server.url, activation: { id: ActivationId, code: ActivationCode }, onMessage: (direction, message) => void seen.push([direction, message]) });
    try {
      const instanceId = await agent.start();
      const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [instanceId] });
      await waitFor(() => (seen.some(([direction, m]) => direction === 'in' && m.type === 'finish-ack') ? true : undefined), 10_000, 'the finish-ack');
      const ofTask = seen.filter(([, m]) => 'taskId' in m || m.type === 'task').map(([direction, m]) => `${direction} ${m.type}`);
      expect(ofTask).toEqual(['in task', 'out task-started', 'out task-finished', 'in finish-ack']);
      const [result] = await waitForResults(test.client, InvokeId);
      expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'ok\n' });
      expect(agent.unacknowledged).toBe(0);
    } finally {
      agent.stop();
    }
  });
});
