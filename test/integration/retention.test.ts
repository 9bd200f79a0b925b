import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../shared/clock.js';
import { useServerWithAgent, waitForResults } from '../support/harness.js';

const clock = new AdjustableClock();
const env = useServerWithAgent('retention-host', { clock });
const DAY_S = 86_400;

interface InvocationsBody {
  TotalCount: number;
  Invocations: { Invocation: Array<{ InvokeId: string }> };
}
interface ResultsBody {
  Invocation: { TotalCount: number };
}

interface ManagedBody {
  Instances: Array<{ InvocationCount: number; LastInvokedTime: string }>;
}
interface StatusBody {
  InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ InvocationCount: number; ActiveTaskCount: number; LastInvokedTime: string }> };
}

/** What DescribeManagedInstances and DescribeCloudAssistantStatus say of the agent's instance. */
async function counts(): Promise<{ invocations: number; last: string; finished: number; statusLast: string }> {
  const managed = await env.test.client.call<ManagedBody>('DescribeManagedInstances', { InstanceId: [env.local.instanceId] });
  const status = await env.test.client.call<StatusBody>('DescribeCloudAssistantStatus', { InstanceId: [env.local.instanceId] });
  const row = status.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0]!;
  return { invocations: managed.Instances[0]!.InvocationCount, last: managed.Instances[0]!.LastInvokedTime, finished: row.InvocationCount, statusLast: row.LastInvokedTime };
}

async function listed(invokeId: string): Promise<number> {
  return (await env.test.client.call<InvocationsBody>('DescribeInvocations', { InvokeId: invokeId })).TotalCount;
}

describe('retention (results kept four weeks by default, CASIM_RETENTION_DAYS)', () => {
  it('purges finished invocations, their results and run-only commands after 28 days, and keeps live schedules', async () => {
    const run = await env.test.client.call<{ InvokeId: string; CommandId: string }>('RunCommand', {
      Type: 'RunShellScript', CommandContent: 'echo old', InstanceId: [env.local.instanceId],
    });
    await waitForResults(env.test.client, run.InvokeId);
    const schedule = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript', CommandContent: 'echo later', InstanceId: [env.local.instanceId], RepeatMode: 'Period', Frequency: 'rate(7d)',
    });
    const before = await counts();
    expect(before).toMatchObject({ invocations: 2, finished: 1 });
    expect(before.last).toBe(before.statusLast);
    clock.advance(27 * DAY_S * 1000);
    expect(env.test.server.retention.sweep().invocations).toBe(0);
    expect(await listed(run.InvokeId)).toBe(1);

    clock.advance(2 * DAY_S * 1000);
    const purged = env.test.server.retention.sweep();
    expect(purged).toMatchObject({ invocations: 1, runs: 1, commands: 1 });
    expect(await listed(run.InvokeId)).toBe(0);
    const results = await env.test.client.call<ResultsBody>('DescribeInvocationResults', { InvokeId: run.InvokeId });
    expect(results.Invocation.TotalCount).toBe(0);
    expect(await listed(schedule.InvokeId)).toBe(1);
    // The instance's counts still include what was purged (kept in its record by the purge).
    expect(await counts()).toEqual(before);
    // A second sweep finds nothing more.
    expect(env.test.server.retention.sweep().invocations).toBe(0);
  });
});
