/**
 * Issue 9 §3 and §5: `Timed` no longer changes an explicit RepeatMode (seed 003: "does not take
 * effect and is no longer used"); the Timed fields of DescribeInvocations reflect the repeat mode;
 * OssOutputDelivery is echoed as it was set.
 */
import { describe, expect, it } from 'vitest';
import { useServerWithAgent, waitForResults } from '../support/harness.js';

const env = useServerWithAgent('timed-host');

interface InvokeInstance { InstanceId: string; InvocationStatus: string; Timed: boolean }
interface Invocation { RepeatMode: string; Timed: boolean; OssOutputDelivery: string; InvocationStatus: string; InvokeInstances: { InvokeInstance: InvokeInstance[] } }

async function describeOne(invokeId: string): Promise<Invocation> {
  const body = await env.test.client.call<{ Invocations: { Invocation: Invocation[] } }>('DescribeInvocations', { InvokeId: invokeId });
  return body.Invocations.Invocation[0]!;
}

const run = (extra: Record<string, string | boolean | string[]>): Promise<{ InvokeId: string }> =>
  env.test.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'echo timed', InstanceId: [env.local.instanceId], ...extra });

describe('Timed with an explicit RepeatMode', () => {
  it.each(['EveryReboot', 'NextRebootOnly'])('Timed=true with RepeatMode=%s makes that task (no MissingParam.Frequency); Timed reads true', async (mode) => {
    const { InvokeId } = await run({ RepeatMode: mode, Timed: true });
    const invocation = await describeOne(InvokeId);
    expect(invocation).toMatchObject({ RepeatMode: mode, Timed: true, InvocationStatus: 'Scheduled' });
    expect(invocation.InvokeInstances.InvokeInstance).toEqual([expect.objectContaining({ InstanceId: env.local.instanceId, InvocationStatus: 'Scheduled', Timed: true })]);
    await env.test.client.call('StopInvocation', { InvokeId });
    const stopped = await describeOne(InvokeId);
    expect(stopped.Timed).toBe(false);
    expect(stopped.InvokeInstances.InvokeInstance[0]!.Timed).toBe(false);
  });

  it('Timed=true with RepeatMode=Once runs once; Timed reads false', async () => {
    const { InvokeId } = await run({ RepeatMode: 'Once', Timed: true });
    await waitForResults(env.test.client, InvokeId);
    const invocation = await describeOne(InvokeId);
    expect(invocation).toMatchObject({ RepeatMode: 'Once', Timed: false, InvocationStatus: 'Success' });
    expect(invocation.InvokeInstances.InvokeInstance[0]!.Timed).toBe(false);
  });

  it('a Period task (Frequency) reads Timed=true on the task and on each instance while it is scheduled', async () => {
    const { InvokeId } = await run({ Frequency: 'rate(1h)', Timed: false });
    const invocation = await describeOne(InvokeId);
    expect(invocation).toMatchObject({ RepeatMode: 'Period', Timed: true });
    expect(invocation.InvokeInstances.InvokeInstance[0]!.Timed).toBe(true);
    await env.test.client.call('StopInvocation', { InvokeId });
  });

  it('keeps the legacy meaning without RepeatMode: Timed=true alone needs a Frequency', async () => {
    await expect(run({ Timed: true })).rejects.toMatchObject({ status: 400, code: 'MissingParam.Frequency' });
    const { InvokeId } = await run({ Timed: true, Frequency: 'rate(1h)' });
    expect((await describeOne(InvokeId)).RepeatMode).toBe('Period');
    await env.test.client.call('StopInvocation', { InvokeId });
  });
});

describe('OssOutputDelivery is echoed', () => {
  it('in DescribeInvocations and DescribeInvocationResults, as set on RunCommand', async () => {
    const { InvokeId } = await run({ OssOutputDelivery: 'oss://my-bucket/casim/' });
    const [result] = await waitForResults(env.test.client, InvokeId);
    expect(result).toMatchObject({ OssOutputDelivery: 'oss://my-bucket/casim/' });
    expect((await describeOne(InvokeId)).OssOutputDelivery).toBe('oss://my-bucket/casim/');
  });

  it('as "" when not set', async () => {
    const { InvokeId } = await run({});
    const [result] = await waitForResults(env.test.client, InvokeId);
    expect(result).toMatchObject({ OssOutputDelivery: '' });
  });
});

describe("CreateCommand takes the older spelling TimeOut (seed 004) as well as Timeout", () => {
  const timeoutOf = async (params: Record<string, string | number>): Promise<number> => {
    const { CommandId } = await env.test.client.call<{ CommandId: string }>('CreateCommand', {
      Name: 'timeout-spelling',
      Type: 'RunShellScript',
      CommandContent: Buffer.from('true').toString('base64'),
      ...params,
    });
    const body = await env.test.client.call<{ Commands: { Command: Array<{ Timeout: number }> } }>('DescribeCommands', { CommandId });
    return body.Commands.Command[0]!.Timeout;
  };

  it.each<[string, Record<string, number>, number]>([
    ['TimeOut alone', { TimeOut: 120 }, 120],
    ['Timeout alone', { Timeout: 90 }, 90],
    ['both: Timeout wins', { TimeOut: 120, Timeout: 30 }, 30],
    ['neither: the default 60 s (the spec, not seed 004\'s 3600)', {}, 60],
  ])('%s', async (_label, params, expected) => {
    expect(await timeoutOf(params)).toBe(expected);
  });

  it('checks TimeOut like Timeout (at least 10 s, at most 86400 s)', async () => {
    await expect(timeoutOf({ TimeOut: 5 })).rejects.toMatchObject({ status: 400, code: 'InvalidParameter.TimeOut' });
    await expect(timeoutOf({ TimeOut: 86_401 })).rejects.toMatchObject({ status: 403, code: 'InvalidTimeout.ExceedLimit' });
  });
});
