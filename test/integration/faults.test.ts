/**
 * Fault injection (issue 12), driven through the official SDK (`@alicloud/ecs20140526`) against
 * a casim started in process with admin on (startCasim({ admin: true })): real agents, real
 * processes. Each fault gives its documented status and error code, and ends when its count or
 * expiry says. Faults are added through the programmatic API (casim.faults, the admin endpoint).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import * as ecsModule from '@alicloud/ecs20140526';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../controlplane/api/errors.js';
import { FAULT_INJECTED_CHANNEL, type FaultInjectedEvent } from '../../controlplane/faults/fault-events.js';
import { DELIVERY_TIMEOUT_MS } from '../../controlplane/invocations/invocation-service.js';
import { formatApiTime } from '../../shared/clock.js';
import { startCasim, type LocalCasim } from '../../testkit/start-casim.js';
import { TEST_KEY, waitFor } from '../support/harness.js';
import { ecsClient, type EcsClient } from '../support/sdk-clients.js';

const REGION = 'cn-hangzhou';
let casim: LocalCasim;
let sdk: EcsClient;
let a: string;
let b: string;
const events: FaultInjectedEvent[] = [];
const onEvent = (message: unknown): void => void events.push(message as FaultInjectedEvent);

beforeAll(async () => {
  casim = await startCasim({ admin: true, instances: 2, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret });
  sdk = ecsClient(Number(new URL(casim.url).port));
  [a = '', b = ''] = casim.instanceIds;
  subscribe(FAULT_INJECTED_CHANNEL, onEvent);
});
afterAll(async () => {
  unsubscribe(FAULT_INJECTED_CHANNEL, onEvent);
  await casim?.stop();
});
afterEach(async () => {
  await casim.faults.clear();
});

interface SdkError {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  data?: Record<string, unknown>;
}
const failure = (promise: Promise<unknown>): Promise<SdkError | undefined> => promise.then(() => undefined, (e: unknown) => e as SdkError);
const describeRegions = (): Promise<unknown> => sdk.describeRegions(new ecsModule.DescribeRegionsRequest({}));
/** A call that carries RegionId (DescribeRegions in the SDK does not). */
const describeInvocations = (regionId: string): Promise<unknown> => sdk.describeInvocations(new ecsModule.DescribeInvocationsRequest({ regionId }));

async function runCommand(instanceId: string, script: string, timeout = 60): Promise<string> {
  const { body } = await sdk.runCommand(new ecsModule.RunCommandRequest({ regionId: REGION, type: 'RunShellScript', commandContent: script, instanceId: [instanceId], timeout, contentEncoding: 'PlainText' }));
  return body!.invokeId!;
}

type Result = InstanceType<typeof ecsModule.DescribeInvocationResultsResponseBodyInvocationInvocationResultsInvocationResult>;
async function resultOf(invokeId: string): Promise<Result> {
  const { body } = await sdk.describeInvocationResults(new ecsModule.DescribeInvocationResultsRequest({ regionId: REGION, invokeId, contentEncoding: 'PlainText' }));
  return body!.invocation!.invocationResults!.invocationResult![0]!;
}
const FINAL = new Set(['Success', 'Failed', 'Timeout', 'Error', 'Aborted', 'Cancelled', 'Terminated', 'Invalid']);
const finalResult = (invokeId: string, timeoutMs = 30_000): Promise<Result> =>
  waitFor(async () => {
    const result = await resultOf(invokeId);
    return FINAL.has(result.invocationStatus ?? '') ? result : undefined;
  }, timeoutMs, `a final status of ${invokeId}`);
const cloudAssistantStatus = async (instanceId: string): Promise<string | undefined> => {
  const { body } = await sdk.describeCloudAssistantStatus(new ecsModule.DescribeCloudAssistantStatusRequest({ regionId: REGION, instanceId: [instanceId] }));
  return body!.instanceCloudAssistantStatusSet!.instanceCloudAssistantStatus![0]!.cloudAssistantStatus;
};
/** Moves simulated time past the delivery window; the sweeper (every 5 s) then ends what waits. */
const passDeliveryWindow = (): Promise<Date> => casim.clock.advance(DELIVERY_TIMEOUT_MS / 1000 + 1);

describe('API faults', () => {
  it('answers Throttling in the catalog envelope for `count` calls of the Action, then lets calls through', async () => {
    const fault = await casim.faults.add({ kind: 'api-error', action: 'DescribeRegions', code: 'Throttling', count: 2 });
    for (let i = 0; i < 2; i += 1) {
      const error = await failure(describeRegions());
      expect(error?.code).toBe('Throttling');
      expect(error?.statusCode).toBe(400);
      expect(error?.name).toBe('ThrottlingError'); // the SDK's own class for Throttling codes
      expect(error?.message).toContain(API_ERRORS.Throttling[1]);
      expect(error?.data?.RequestId).toMatch(/^[0-9A-F-]{36}$/);
      expect(error?.data?.HostId).toBe('ecs.aliyuncs.com');
      expect(String(error?.data?.Recommend)).toContain('q=Throttling');
    }
    await expect(describeRegions()).resolves.toBeDefined();
    expect(await casim.faults.list()).toEqual([]);
    expect(events.filter((e) => e.faultId === fault.id).map((e) => [e.kind, e.action])).toEqual([['api-error', 'DescribeRegions'], ['api-error', 'DescribeRegions']]);
  });

  it('matches the region: ServiceUnavailable in cn-beijing only', async () => {
    await casim.faults.add({ kind: 'api-error', regionId: 'cn-beijing', code: 'ServiceUnavailable' });
    const error = await failure(describeInvocations('cn-beijing'));
    expect([error?.code, error?.statusCode, error?.name]).toEqual(['ServiceUnavailable', 500, 'ServerError']);
    await expect(describeInvocations('cn-hangzhou')).resolves.toBeDefined();
  });

  it('matches the access key, with any catalogued code (InternalError, InvalidInstance.NotFound)', async () => {
    await casim.faults.add({ kind: 'api-error', accessKeyId: 'someone-else', code: 'InternalError' });
    await expect(describeRegions()).resolves.toBeDefined();
    await casim.faults.add({ kind: 'api-error', accessKeyId: TEST_KEY.id, action: 'RunCommand', code: 'InvalidInstance.NotFound', count: 1 });
    const error = await failure(runCommand(a, 'echo never'));
    expect([error?.code, error?.statusCode]).toEqual(['InvalidInstance.NotFound', 404]);
  });

  it('ends at its expiry', async () => {
    await casim.faults.add({ kind: 'api-error', action: 'DescribeRegions', code: 'InternalError', ttlSeconds: 0.5 });
    expect((await failure(describeRegions()))?.code).toBe('InternalError');
    await waitFor(async () => ((await failure(describeRegions())) === undefined ? true : undefined), 5_000, 'the fault to expire');
    expect(await casim.faults.list()).toEqual([]);
  });

  it('holds a call for latencyMs, once', async () => {
    await casim.faults.add({ kind: 'api-latency', action: 'DescribeRegions', latencyMs: 400, count: 1 });
    let started = performance.now();
    await describeRegions();
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    started = performance.now();
    await describeRegions();
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('fires with a probability: 0 never fires', async () => {
    await casim.faults.add({ kind: 'api-error', action: 'DescribeRegions', code: 'Throttling', probability: 0 });
    for (let i = 0; i < 5; i += 1) await expect(describeRegions()).resolves.toBeDefined();
    expect((await casim.faults.list())[0]?.fired).toBe(0);
  });
});

describe('delivery faults', () => {
  it('agent-offline: CloudAssistantStatus false, new work Aborted / ClientNotRunning after the delivery window; back when removed', async () => {
    const fault = await casim.faults.add({ kind: 'agent-offline', instanceIds: [a] });
    expect(await cloudAssistantStatus(a)).toBe('false');
    expect(await cloudAssistantStatus(b)).toBe('true');
    const invokeId = await runCommand(a, 'echo hi');
    expect((await resultOf(invokeId)).invocationStatus).toBe('Pending');
    await passDeliveryWindow();
    const result = await finalResult(invokeId);
    expect([result.invocationStatus, result.errorCode]).toEqual(['Aborted', 'ClientNotRunning']);
    await casim.faults.remove(fault.id);
    expect(await cloudAssistantStatus(a)).toBe('true');
    expect((await finalResult(await runCommand(a, 'echo back'))).invocationStatus).toBe('Success');
  });

  it('agent-offline by expiry: online again once the ttl has passed', async () => {
    await casim.faults.add({ kind: 'agent-offline', ttlSeconds: 0.5 });
    expect(await cloudAssistantStatus(a)).toBe('false');
    await waitFor(async () => ((await cloudAssistantStatus(a)) === 'true' ? true : undefined), 5_000, 'the agent back online');
  });

  it('delivery-loss: the task never arrives, Aborted / DeliveryTimeout; count 1 spares the next task', async () => {
    await casim.faults.add({ kind: 'delivery-loss', instanceIds: [a], count: 1 });
    const lost = await runCommand(a, 'echo lost');
    await passDeliveryWindow();
    const result = await finalResult(lost);
    expect([result.invocationStatus, result.errorCode]).toEqual(['Aborted', 'DeliveryTimeout']);
    expect((await finalResult(await runCommand(a, 'echo fine'))).invocationStatus).toBe('Success');
  });

  it('delivery-delay: the task arrives `seconds` later and runs', async () => {
    await casim.faults.add({ kind: 'delivery-delay', instanceIds: [a], seconds: 2, count: 1 });
    const started = Date.now();
    const invokeId = await runCommand(a, 'echo late');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await resultOf(invokeId)).invocationStatus).toBe('Pending');
    const result = await finalResult(invokeId);
    expect(result.invocationStatus).toBe('Success');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('slow-start: delivered at once (no DeliveryTimeout past the window), started `seconds` later', async () => {
    await casim.faults.add({ kind: 'slow-start', instanceIds: [a], seconds: 3, count: 1 });
    const started = Date.now();
    const invokeId = await runCommand(a, 'echo slow');
    await passDeliveryWindow();
    const result = await finalResult(invokeId);
    expect(result.invocationStatus).toBe('Success');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
  });
});

describe('metrics', () => {
  const value = (text: string, line: string): number => {
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found === undefined ? 0 : Number(found.slice(line.length + 1));
  };
  const scrape = async (): Promise<string> => {
    const response = await fetch(`${casim.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('counts API calls by action, code and status, injected faults, finished runs and connected agents', async () => {
    const before = await scrape();
    await casim.faults.add({ kind: 'api-error', action: 'DescribeRegions', code: 'Throttling', count: 1 });
    await failure(describeRegions());
    await describeRegions();
    await finalResult(await runCommand(a, 'exit 2'));
    const after = await scrape();
    const throttled = 'casim_api_requests_total{action="DescribeRegions",code="Throttling",status="400"}';
    const ok = 'casim_api_requests_total{action="DescribeRegions",code="",status="200"}';
    expect(value(after, throttled) - value(before, throttled)).toBe(1);
    expect(value(after, ok) - value(before, ok)).toBe(1);
    const injected = 'casim_faults_injected_total{kind="api-error"}';
    expect(value(after, injected) - value(before, injected)).toBe(1);
    const failed = 'casim_runs_finished_total{status="Failed",error_code="ExitCodeNonzero"}';
    expect(value(after, failed) - value(before, failed)).toBe(1);
    for (const step of ['created', 'started', 'finished']) {
      const line = `casim_run_events_total{event="${step}"}`;
      expect(value(after, line) - value(before, line), line).toBe(1);
    }
    expect(value(after, 'casim_agents_connected')).toBe(2);
    expect(value(after, 'casim_api_request_duration_seconds_count{action="DescribeRegions"}')).toBeGreaterThanOrEqual(2);
    expect(value(after, 'casim_store_transaction_duration_seconds_count{outcome="committed"}')).toBeGreaterThan(value(before, 'casim_store_transaction_duration_seconds_count{outcome="committed"}'));
  });
});

describe('agent and instance faults', () => {
  it('agent-crash: the running script is killed and the run is Error / ExecutionInterrupted', async () => {
    await casim.faults.add({ kind: 'agent-crash', instanceIds: [a], afterSeconds: 0.5, count: 1 });
    const started = Date.now();
    const invokeId = await runCommand(a, 'echo before; sleep 30; echo after');
    const result = await finalResult(invokeId);
    expect([result.invocationStatus, result.errorCode, result.errorInfo]).toEqual(['Error', 'ExecutionInterrupted', 'the command execution has been interrupted']);
    expect(result.output).toBe('before\n');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await finalResult(await runCommand(a, 'true'))).invocationStatus).toBe('Success');
  });

  it('instance-reboot: the instance reboots under the run (Error / ExecutionInterrupted) and comes back', async () => {
    await casim.faults.add({ kind: 'instance-reboot', instanceIds: [a], count: 1 });
    const result = await finalResult(await runCommand(a, 'sleep 30'));
    expect([result.invocationStatus, result.errorCode]).toEqual(['Error', 'ExecutionInterrupted']);
    await waitFor(async () => ((await cloudAssistantStatus(a)) === 'true' ? true : undefined), 20_000, 'the instance back');
    expect((await finalResult(await runCommand(a, 'true'))).invocationStatus).toBe('Success');
  });

  it('output-cut: Output keeps the first keepBytes bytes, Dropped counts the rest', async () => {
    await casim.faults.add({ kind: 'output-cut', instanceIds: [a], keepBytes: 5, count: 1 });
    const result = await finalResult(await runCommand(a, 'echo hello world'));
    expect([result.invocationStatus, result.output, result.dropped]).toEqual(['Success', 'hello', 7]);
  });

  it('exit-code: a script that exited reports the forced code (Failed / ExitCodeNonzero)', async () => {
    await casim.faults.add({ kind: 'exit-code', instanceIds: [a], exitCode: 3, count: 1 });
    const result = await finalResult(await runCommand(a, 'true'));
    expect([result.invocationStatus, result.errorCode, result.exitCode]).toEqual(['Failed', 'ExitCodeNonzero', 3]);
    expect((await finalResult(await runCommand(a, 'true'))).exitCode).toBe(0);
  });

  it('clock-skew: an instance clock 300 s ahead runs an at() schedule 300 s early', async () => {
    await casim.faults.add({ kind: 'clock-skew', instanceIds: [a], seconds: 300 });
    const now = await casim.clock.now();
    const at = formatApiTime(new Date(now.getTime() + 600_000)).replace('T', ' ').replace('Z', '');
    const { body } = await sdk.runCommand(new ecsModule.RunCommandRequest({
      regionId: REGION, type: 'RunShellScript', commandContent: 'echo skewed', instanceId: [a], repeatMode: 'Period', frequency: `at(${at})`,
    }));
    await casim.clock.advance(290);
    expect((await resultOf(body!.invokeId!)).invocationStatus).toBe('Scheduled');
    await casim.clock.advance(15); // now + 305 s: the skewed instance's 600 s mark
    const result = await finalResult(body!.invokeId!);
    expect(result.invocationStatus).toBe('Success');
  });

  it('instance-stop: the instance stops under the run (Error / ExecutionInterrupted)', async () => {
    await casim.faults.add({ kind: 'instance-stop', instanceIds: [b], afterSeconds: 0.2, count: 1 });
    const result = await finalResult(await runCommand(b, 'sleep 30'));
    expect([result.invocationStatus, result.errorCode]).toEqual(['Error', 'ExecutionInterrupted']);
    const { body } = await sdk.describeManagedInstances(new ecsModule.DescribeManagedInstancesRequest({ regionId: REGION, instanceId: [b] }));
    expect(body!.instances![0]!.instanceId).toBe(b);
  });
});
