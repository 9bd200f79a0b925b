import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../shared/clock.js';
import { removeDir, startLocalAgent, useServerWithAgent, waitFor } from '../support/harness.js';

const env = useServerWithAgent('cron-host', { clock: new AdjustableClock() });

/** Through the documented time-control endpoint, as a user's test would. */
async function advance(seconds: number): Promise<Date> {
  const response = await fetch(`${env.test.server.url}/casim/admin/clock/advance?seconds=${seconds}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return new Date(((await response.json()) as { Now: string }).Now);
}
async function simulatedNow(): Promise<Date> {
  const response = await fetch(`${env.test.server.url}/casim/admin/clock`);
  return new Date(((await response.json()) as { Now: string }).Now);
}

interface Row { InvocationStatus: string; Repeats: number; aggregate: string; timed: boolean }
async function row(invokeId: string): Promise<Row> {
  const body = await env.test.client.call<{ Invocations: { Invocation: Array<{ InvocationStatus: string; Timed: boolean; InvokeInstances: { InvokeInstance: Array<{ InvocationStatus: string; Repeats: number }> } }> } }>(
    'DescribeInvocations',
    { InvokeId: invokeId },
  );
  const invocation = body.Invocations.Invocation[0]!;
  return { ...invocation.InvokeInstances.InvokeInstance[0]!, aggregate: invocation.InvocationStatus, timed: invocation.Timed };
}
const until = (invokeId: string, status: string, repeats: number) =>
  waitFor(async () => {
    const r = await row(invokeId);
    return r.InvocationStatus === status && r.Repeats === repeats ? r : undefined;
  }, 15_000, `${status} with ${repeats} runs`);

async function period(frequency: string, script = 'echo tick'): Promise<string> {
  const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
    Type: 'RunShellScript',
    CommandContent: script,
    InstanceId: [env.local.instanceId],
    Frequency: frequency,
  });
  return InvokeId;
}

describe('RepeatMode=Period on simulated time', () => {
  it('runs rate(1h) one interval after creation and then every hour, keeping each run in the history', async () => {
    const invokeId = await period('rate(1h)');
    expect(await row(invokeId)).toMatchObject({ InvocationStatus: 'Scheduled', Repeats: 0, aggregate: 'Scheduled', timed: true });
    await advance(3590);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await row(invokeId)).Repeats).toBe(0);
    await advance(20);
    await until(invokeId, 'Scheduled', 1);
    await advance(3600);
    await until(invokeId, 'Scheduled', 2);
    const history = await env.test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ Output: string; InvocationStatus: string }> } } }>(
      'DescribeInvocationResults',
      { InvokeId: invokeId, IncludeHistory: true, ContentEncoding: 'PlainText' },
    );
    expect(history.Invocation.InvocationResults.InvocationResult).toEqual([
      expect.objectContaining({ InvocationStatus: 'Success', Output: 'tick\n' }),
      expect.objectContaining({ InvocationStatus: 'Success', Output: 'tick\n' }),
    ]);
    await env.test.client.call('StopInvocation', { InvokeId: invokeId });
    await advance(7200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await row(invokeId)).toMatchObject({ InvocationStatus: 'Cancelled', Repeats: 2, aggregate: 'Stopped', timed: false });
  });

  it('runs "every day at 10:15 Asia/Shanghai" at 02:15 UTC', async () => {
    const invokeId = await period('0 15 10 * * ? Asia/Shanghai');
    const now = await simulatedNow();
    const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 2, 15, 0));
    if (target.getTime() <= now.getTime()) target.setUTCDate(target.getUTCDate() + 1);
    await advance((target.getTime() - now.getTime()) / 1000 - 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await row(invokeId)).Repeats).toBe(0);
    await advance(10);
    await until(invokeId, 'Scheduled', 1);
    await advance(86_400);
    await until(invokeId, 'Scheduled', 2);
    await env.test.client.call('StopInvocation', { InvokeId: invokeId });
  });

  it('runs an at() task once and ends with the run\'s status', async () => {
    const now = await simulatedNow();
    const at = new Date(now.getTime() + 2 * 3600_000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
    const invokeId = await period(`at(${at} UTC)`, 'exit 4');
    await advance(2 * 3600 + 5);
    const done = await until(invokeId, 'Failed', 1);
    expect(done).toMatchObject({ aggregate: 'Failed', timed: false });
  });

  it('changes content, Frequency and instances of a live schedule with ModifyInvocationAttribute', async () => {
    const invokeId = await period('rate(1h)', 'echo old');
    const second = await startLocalAgent(env.test, 'added');
    const { CommandId } = await env.test.client.call<{ CommandId: string }>('ModifyInvocationAttribute', {
      InvokeId: invokeId,
      CommandContent: 'echo new',
      Frequency: 'rate(2h)',
      InstanceId: [second.instanceId],
    });
    expect(CommandId).toMatch(/^c-/);
    await advance(3600 + 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await row(invokeId)).Repeats).toBe(0);
    await advance(3600);
    const results = await waitFor(async () => {
      const body = await env.test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InstanceId: string; Output: string; Repeats: number }> } } }>(
        'DescribeInvocationResults',
        { InvokeId: invokeId, ContentEncoding: 'PlainText' },
      );
      const rows = body.Invocation.InvocationResults.InvocationResult;
      return rows.length === 2 && rows.every((r) => r.Repeats === 1) ? rows : undefined;
    }, 15_000, 'both instances ran');
    for (const r of results) expect(r.Output).toBe('new\n');
    await env.test.client.call('StopInvocation', { InvokeId: invokeId });
    second.agent.stop();
    removeDir(second.stateDir);
    await expect(env.test.client.call('ModifyInvocationAttribute', { InvokeId: invokeId, Frequency: 'rate(3h)' })).rejects.toMatchObject({ code: 'Operation.Forbidden' });
  });

  it.each([
    [{ Frequency: 'rate(30s)' }, 400, 'InvalidParam.Frequency'],
    [{ Frequency: '0 0 0 1 1 ? 2001' }, 400, 'InvalidParam.Frequency'],
    [{ Frequency: 'at(2001-01-01 00:00:00)' }, 400, 'InvalidParam.Frequency'],
    [{ RepeatMode: 'Period' }, 400, 'MissingParam.Frequency'],
    [{ Timed: true }, 400, 'MissingParam.Frequency'],
  ])('refuses %j with %i %s', async (params, status, code) => {
    await expect(
      env.test.client.call('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [env.local.instanceId], ...params }),
    ).rejects.toMatchObject({ status, code });
  });
});

describe('a schedule on an instance that stopped', () => {
  it('aborts the due run with InstanceNotRunning and keeps the schedule', async () => {
    const { FakeFleet } = await import('../support/fake-fleet.js');
    const { startTestServer, removeDir } = await import('../support/harness.js');
    const own = await startTestServer({ fleet: new FakeFleet(), clock: new AdjustableClock() });
    try {
      const ran = await own.client.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { Amount: 1 });
      const id = ran.InstanceIdSets.InstanceIdSet[0]!;
      const { InvokeId } = await own.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [id], Frequency: 'rate(1h)' });
      await own.client.call('StopInstance', { InstanceId: id });
      const response = await fetch(`${own.server.url}/casim/admin/clock/advance?seconds=3601`, { method: 'POST' });
      expect(response.status).toBe(200);
      const history = await own.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; ErrorCode: string }> } } }>(
        'DescribeInvocationResults',
        { InvokeId, IncludeHistory: true },
      );
      expect(history.Invocation.InvocationResults.InvocationResult).toEqual([expect.objectContaining({ InvocationStatus: 'Aborted', ErrorCode: 'InstanceNotRunning' })]);
      const listed = await own.client.call<{ Invocations: { Invocation: Array<{ InvocationStatus: string }> } }>('DescribeInvocations', { InvokeId });
      expect(listed.Invocations.Invocation[0]!.InvocationStatus).toBe('Scheduled');
      await expect(own.client.call('InvokeCommand', { CommandId: 'c-x', InstanceId: [id] })).rejects.toMatchObject({ code: 'InvalidCmdId.NotFound' });
      await expect(own.client.call('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [id] })).rejects.toMatchObject({ status: 400, code: 'InvalidInstance.NotMatch' });
    } finally {
      await own.close();
      removeDir(own.dataDir);
    }
  });
});
