/**
 * Every operation the server serves that @alicloud/ecs20140526 has a method for, through the
 * official SDKs, unchanged: the Tea client (ACS3 and HMAC-SHA1 signing) must hand back fully
 * typed bodies, and pop-core must see the raw PascalCase JSON with JSON-typed numbers and
 * booleans and the SDK list wrappers (spec cloud-assistant-api.md §1.5, §2–§15; sdk-wire.md §4).
 *
 * Response fields are checked against one table per operation, written with the SDK's camelCase
 * model names; for pop-core each path segment is capitalised (`commands.command[0].timeout` →
 * `Commands.Command[0].Timeout`). A field that is absent, or of another JSON type, fails with
 * the whole list of such fields.
 *
 * Invocations run on a real local agent. The ECS instance operations behind `casim fleet`
 * (RunInstances, Start/Stop/Reboot/DeleteInstance(s), DescribeInstances) run against a fake
 * fleet that starts no container, so they need no Docker. Simulated time (the documented
 * time-control endpoint) lets a rate(1h) task run once within the test.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ecsModule from '@alicloud/ecs20140526';
import { ClientError } from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../shared/clock.js';
import { removeDir, startLocalAgent, startTestServer, TEST_KEY, waitFor, type LocalAgent, type TestServer } from '../support/harness.js';
import { ecsClient, type EcsClient } from '../support/sdk-clients.js';
import { FakeFleet } from '../support/fake-fleet.js';
import { FINAL_STATUSES } from '../../controlplane/invocations/aggregate-status.js';


const REGION = 'cn-hangzhou';
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const API_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/;
const FINAL = FINAL_STATUSES;
const b64 = (text: string): string => Buffer.from(text).toString('base64');


// ---------------------------------------------------------------------------------------------
// Field tables

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object';
type Fields = Record<string, Kind>;

function kindOf(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
function segments(path: string): Array<string | number> {
  return path.split('.').flatMap((part) => {
    const match = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Error(`bad field path ${path}`);
    const indexes = [...(match[2] ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    return [match[1] ?? '', ...indexes];
  });
}

function valueAt(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of segments(path)) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** The SDK's camelCase model path → the wire's PascalCase path (`OSType` stays as is). */
function pascal(path: string): string {
  return path
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('.');
}

/** Every listed field is present with its JSON type; all problems are reported together. */
function expectFields(label: string, body: unknown, fields: Fields, casing: 'sdk' | 'wire' = 'sdk'): void {
  const problems: string[] = [];
  for (const [path, kind] of Object.entries(fields)) {
    const wirePath = casing === 'wire' ? pascal(path) : path;
    const value = valueAt(body, wirePath);
    if (kindOf(value) !== kind) problems.push(`${wirePath}: expected ${kind}, got ${kindOf(value)} ${JSON.stringify(value)}`);
  }
  expect(problems, `${label}: fields missing or of the wrong type`).toEqual([]);
}

function under(prefix: string, fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).map(([path, kind]) => [`${prefix}${path}`, kind]));
}

const REQUEST_ONLY: Fields = { requestId: 'string' };
/** Spec §1.10: the Describe* responses echo the paging fields (PageNumber/PageSize mode here). */
const PAGING: Fields = { requestId: 'string', totalCount: 'number', pageNumber: 'number', pageSize: 'number', nextToken: 'string' };
const TAG_LIST: Fields = { 'tags.tag': 'array' };

/** Spec §9 (GoSDK@2507), sdk-wire §4.1 DescribeCommands. */
const COMMAND_FIELDS: Fields = {
  ...PAGING,
  'commands.command': 'array',
  ...under('commands.command[0].', {
    commandId: 'string',
    name: 'string',
    description: 'string',
    type: 'string',
    commandContent: 'string',
    workingDir: 'string',
    timeout: 'number',
    enableParameter: 'boolean',
    launcher: 'string',
    creationTime: 'string',
    invokeTimes: 'number',
    'parameterNames.parameterName': 'array',
    'parameterDefinitions.parameterDefinition': 'array',
    provider: 'string',
    category: 'string',
    version: 'number',
    latest: 'boolean',
    resourceGroupId: 'string',
    ...TAG_LIST,
  }),
};

/** Spec §5, sdk-wire §4.1 DescribeInvocations (Output only with IncludeOutput=true). */
const INVOCATION_FIELDS: Fields = {
  ...PAGING,
  'invocations.invocation': 'array',
  ...under('invocations.invocation[0].', {
    invokeId: 'string',
    commandId: 'string',
    commandName: 'string',
    commandType: 'string',
    commandDescription: 'string',
    commandContent: 'string',
    parameters: 'string',
    repeatMode: 'string',
    frequency: 'string',
    timed: 'boolean',
    timeout: 'number',
    workingDir: 'string',
    username: 'string',
    launcher: 'string',
    containerId: 'string',
    containerName: 'string',
    terminationMode: 'string',
    ossOutputDelivery: 'string',
    creationTime: 'string',
    invocationStatus: 'string',
    invokeStatus: 'string',
    ...TAG_LIST,
    'invokeInstances.invokeInstance': 'array',
  }),
  ...under('invocations.invocation[0].invokeInstances.invokeInstance[0].', {
    instanceId: 'string',
    invocationStatus: 'string',
    instanceInvokeStatus: 'string',
    repeats: 'number',
    exitCode: 'number',
    output: 'string',
    dropped: 'number',
    errorCode: 'string',
    errorInfo: 'string',
    creationTime: 'string',
    startTime: 'string',
    finishTime: 'string',
    updateTime: 'string',
    stopTime: 'string',
    timed: 'boolean',
    ossOutputStatus: 'string',
    ossOutputUri: 'string',
    ossOutputErrorCode: 'string',
    ossOutputErrorInfo: 'string',
  }),
};

/** Spec §6, sdk-wire §4.1 DescribeInvocationResults (paging inside `Invocation`). */
const RESULT_FIELDS: Fields = {
  requestId: 'string',
  ...under('invocation.', { pageSize: 'number', pageNumber: 'number', totalCount: 'number', nextToken: 'string' }),
  'invocation.invocationResults.invocationResult': 'array',
  ...under('invocation.invocationResults.invocationResult[0].', {
    commandId: 'string',
    invokeId: 'string',
    instanceId: 'string',
    invocationStatus: 'string',
    invokeRecordStatus: 'string',
    exitCode: 'number',
    output: 'string',
    dropped: 'number',
    errorCode: 'string',
    errorInfo: 'string',
    repeats: 'number',
    startTime: 'string',
    finishedTime: 'string',
    stopTime: 'string',
    username: 'string',
    containerId: 'string',
    containerName: 'string',
    terminationMode: 'string',
    launcher: 'string',
    ossOutputDelivery: 'string',
    ossOutputStatus: 'string',
    ossOutputUri: 'string',
    ossOutputErrorCode: 'string',
    ossOutputErrorInfo: 'string',
    ...TAG_LIST,
  }),
};

/** Spec §13. The SDK keeps `OSType` as is. */
const STATUS_FIELDS: Fields = {
  ...PAGING,
  'instanceCloudAssistantStatusSet.instanceCloudAssistantStatus': 'array',
  ...under('instanceCloudAssistantStatusSet.instanceCloudAssistantStatus[0].', {
    instanceId: 'string',
    cloudAssistantStatus: 'string',
    cloudAssistantVersion: 'string',
    lastHeartbeatTime: 'string',
    OSType: 'string',
    activeTaskCount: 'number',
    invocationCount: 'number',
    lastInvokedTime: 'string',
    supportSessionManager: 'boolean',
  }),
};

/** Spec §15.2: the fields of an activation (DisableActivation adds Disabled, DescribeActivations also). */
const ACTIVATION_CORE: Fields = {
  activationId: 'string',
  description: 'string',
  instanceName: 'string',
  instanceCount: 'number',
  registeredCount: 'number',
  deregisteredCount: 'number',
  ipAddressRange: 'string',
  timeToLiveInHours: 'number',
  creationTime: 'string',
};

const ACTIVATIONS_FIELDS: Fields = {
  ...PAGING,
  activationList: 'array',
  ...under('activationList[0].', { ...ACTIVATION_CORE, disabled: 'boolean', resourceGroupId: 'string', tags: 'array', 'tags[0].tagKey': 'string', 'tags[0].tagValue': 'string' }),
};

/** Spec §15.3 (flat `Instances` list). */
const MANAGED_FIELDS: Fields = {
  ...PAGING,
  instances: 'array',
  ...under('instances[0].', {
    instanceId: 'string',
    instanceName: 'string',
    hostname: 'string',
    activationId: 'string',
    agentVersion: 'string',
    connected: 'boolean',
    internetIp: 'string',
    intranetIp: 'string',
    machineId: 'string',
    osType: 'string',
    osVersion: 'string',
    registrationTime: 'string',
    lastInvokedTime: 'string',
    invocationCount: 'number',
    resourceGroupId: 'string',
    tags: 'array',
  }),
};

/** Spec §15.4 DeregisterManagedInstance. */
const DEREGISTERED_FIELDS: Fields = {
  requestId: 'string',
  ...under('instance.', {
    instanceId: 'string',
    instanceName: 'string',
    hostname: 'string',
    activationId: 'string',
    agentVersion: 'string',
    internetIp: 'string',
    intranetIp: 'string',
    machineId: 'string',
    osType: 'string',
    osVersion: 'string',
    registrationTime: 'string',
    lastInvokedTime: 'string',
    invocationCount: 'number',
    resourceGroupId: 'string',
  }),
};

const REGIONS_FIELDS: Fields = {
  requestId: 'string',
  'regions.region': 'array',
  ...under('regions.region[0].', { regionId: 'string', localName: 'string', regionEndpoint: 'string', status: 'string' }),
};

/** ECS DescribeInstances as the fleet uses it (the SDK model's names). */
const INSTANCES_FIELDS: Fields = {
  requestId: 'string',
  totalCount: 'number',
  pageNumber: 'number',
  pageSize: 'number',
  'instances.instance': 'array',
  ...under('instances.instance[0].', {
    instanceId: 'string',
    instanceName: 'string',
    hostName: 'string',
    imageId: 'string',
    status: 'string',
    OSType: 'string',
    OSName: 'string',
    regionId: 'string',
    creationTime: 'string',
    'tags.tag': 'array',
  }),
};

const INSTANCE_RESPONSES_FIELDS: Fields = {
  requestId: 'string',
  'instanceResponses.instanceResponse': 'array',
  ...under('instanceResponses.instanceResponse[0].', { instanceId: 'string', code: 'string', message: 'string', previousStatus: 'string', currentStatus: 'string' }),
};

/** Spec §14.2 DescribeSendFileResults (Overwrite is a string in the SDK model). */
const SEND_FILE_FIELDS: Fields = {
  ...PAGING,
  'invocations.invocation': 'array',
  ...under('invocations.invocation[0].', {
    invokeId: 'string',
    name: 'string',
    description: 'string',
    content: 'string',
    contentType: 'string',
    fileOwner: 'string',
    fileGroup: 'string',
    fileMode: 'string',
    targetDir: 'string',
    overwrite: 'string',
    creationTime: 'string',
    vmCount: 'number',
    invocationStatus: 'string',
    ...TAG_LIST,
    'invokeInstances.invokeInstance': 'array',
  }),
  ...under('invocations.invocation[0].invokeInstances.invokeInstance[0].', {
    instanceId: 'string',
    invocationStatus: 'string',
    creationTime: 'string',
    startTime: 'string',
    finishTime: 'string',
    updateTime: 'string',
    errorCode: 'string',
    errorInfo: 'string',
  }),
};

// ---------------------------------------------------------------------------------------------
// Server, agent, fake fleet, simulated time


let test: TestServer;
let local: LocalAgent;
/** Where SendFile writes (the local agent runs on this machine). */
let filesDir: string;

beforeAll(async () => {
  test = await startTestServer({ clock: new AdjustableClock(), fleet: new FakeFleet() });
  local = await startLocalAgent(test, 'all-ops');
  filesDir = mkdtempSync(join(tmpdir(), 'casim-all-ops-files-'));
});

afterAll(async () => {
  local?.agent.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (local) removeDir(local.stateDir);
  if (filesDir) removeDir(filesDir);
});

/** Moves simulated time forward through the time-control endpoint; due schedules run. */
async function advance(seconds: number): Promise<void> {
  const response = await fetch(`${test.server.url}/casim/admin/clock/advance?seconds=${seconds}`, { method: 'POST' });
  expect(response.status).toBe(200);
}

/** A second agent, to be renamed and deregistered. */
async function withExtraAgent<T>(name: string, work: (extra: LocalAgent) => Promise<T>): Promise<T> {
  const extra = await startLocalAgent(test, name);
  try {
    return await work(extra);
  } finally {
    extra.agent.stop();
    removeDir(extra.stateDir);
  }
}

// ---------------------------------------------------------------------------------------------
// @alicloud/ecs20140526 7.x

describe.each([
  ['ACS3-HMAC-SHA256 (default)', undefined],
  ["HMAC-SHA1 (signatureAlgorithm 'v2')", 'v2'],
])('every operation through @alicloud/ecs20140526 7.x with %s', (_name, algorithm) => {
  const sdk = (): EcsClient => ecsClient(test.server.port, algorithm);

  async function resultsWhen(invokeId: string, done: (row: ecsModule.DescribeInvocationResultsResponseBodyInvocationInvocationResultsInvocationResult) => boolean) {
    return waitFor(async () => {
      const response = await sdk().describeInvocationResults(
        new ecsModule.DescribeInvocationResultsRequest({ regionId: REGION, invokeId, contentEncoding: 'PlainText' }),
      );
      const row = response.body?.invocation?.invocationResults?.invocationResult?.[0];
      return row && done(row) ? response : undefined;
    }, 30_000, `results of ${invokeId}`);
  }

  async function invocationOf(invokeId: string) {
    const response = await sdk().describeInvocations(
      new ecsModule.DescribeInvocationsRequest({ regionId: REGION, invokeId, includeOutput: true, contentEncoding: 'PlainText' }),
    );
    return response;
  }

  it('CreateCommand, DescribeCommands, ModifyCommand and DeleteCommand', async () => {
    const client = sdk();
    const created = await client.createCommand(
      new ecsModule.CreateCommandRequest({
        regionId: REGION,
        name: 'all-ops',
        description: 'every field',
        type: 'RunShellScript',
        commandContent: b64('echo "hi {{who}}"'),
        enableParameter: true,
        timeout: 30,
        workingDir: '/tmp',
        tag: [new ecsModule.CreateCommandRequestTag({ key: 'team', value: 'qa' })],
      }),
    );
    expect(created.statusCode).toBe(200);
    expectFields('CreateCommand', created.body, { requestId: 'string', commandId: 'string' });
    const commandId = created.body?.commandId ?? '';
    expect(commandId).toMatch(/^c-/);
    expect(created.body?.requestId).toMatch(UUID);

    const listed = await client.describeCommands(new ecsModule.DescribeCommandsRequest({ regionId: REGION, commandId, contentEncoding: 'PlainText' }));
    expectFields('DescribeCommands', listed.body, COMMAND_FIELDS);
    expect(listed.body?.totalCount).toBe(1);
    expect(listed.body?.pageNumber).toBe(1);
    expect(listed.body?.pageSize).toBe(10);
    expect(listed.body?.nextToken).toBe('');
    const command = listed.body?.commands?.command?.[0];
    expect(command).toMatchObject({
      commandId,
      name: 'all-ops',
      description: 'every field',
      type: 'RunShellScript',
      commandContent: 'echo "hi {{who}}"',
      workingDir: '/tmp',
      timeout: 30,
      enableParameter: true,
      invokeTimes: 0,
    });
    expect(command?.parameterNames?.parameterName).toEqual(['who']);
    expect(command?.tags?.tag?.map((t) => [t.tagKey, t.tagValue])).toEqual([['team', 'qa']]);
    expect(command?.creationTime).toMatch(API_TIME);

    const modified = await client.modifyCommand(
      new ecsModule.ModifyCommandRequest({ regionId: REGION, commandId, name: 'renamed', description: 'changed', timeout: 45, workingDir: '/root' }),
    );
    expectFields('ModifyCommand', modified.body, REQUEST_ONLY);
    const after = await client.describeCommands(new ecsModule.DescribeCommandsRequest({ regionId: REGION, commandId }));
    expect(after.body?.commands?.command?.[0]).toMatchObject({ name: 'renamed', description: 'changed', timeout: 45, workingDir: '/root', commandContent: b64('echo "hi {{who}}"') });

    const deleted = await client.deleteCommand(new ecsModule.DeleteCommandRequest({ regionId: REGION, commandId }));
    expectFields('DeleteCommand', deleted.body, REQUEST_ONLY);
    const gone = await client.describeCommands(new ecsModule.DescribeCommandsRequest({ regionId: REGION, commandId }));
    expect(gone.body?.commands?.command).toEqual([]);
    expect(gone.body?.totalCount).toBe(0);
  });

  it('InvokeCommand, RunCommand, DescribeInvocations, DescribeInvocationResults and StopInvocation on a real agent', async () => {
    const client = sdk();
    const { body: created } = await client.createCommand(
      new ecsModule.CreateCommandRequest({ regionId: REGION, name: 'greet', type: 'RunShellScript', commandContent: b64('echo "hi {{who}}"'), enableParameter: true, timeout: 30 }),
    );
    const invoked = await client.invokeCommand(
      new ecsModule.InvokeCommandRequest({
        regionId: REGION,
        commandId: created?.commandId,
        instanceId: [local.instanceId],
        parameters: { who: 'sdk' },
        tag: [new ecsModule.InvokeCommandRequestTag({ key: 'run', value: 'one' })],
      }),
    );
    expectFields('InvokeCommand', invoked.body, { requestId: 'string', invokeId: 'string' });
    const invokeId = invoked.body?.invokeId ?? '';
    expect(invokeId).toMatch(/^t-/);

    const results = await resultsWhen(invokeId, (row) => FINAL.has(row.invocationStatus ?? ''));
    expectFields('DescribeInvocationResults', results.body, RESULT_FIELDS);
    expect(results.body?.invocation?.totalCount).toBe(1);
    expect(results.body?.invocation?.invocationResults?.invocationResult?.[0]).toMatchObject({
      invokeId,
      commandId: created?.commandId,
      instanceId: local.instanceId,
      invocationStatus: 'Success',
      invokeRecordStatus: 'Finished',
      exitCode: 0,
      output: 'hi sdk\n',
      dropped: 0,
      repeats: 1,
      errorCode: '',
      username: 'root',
    });
    expect(results.body?.invocation?.invocationResults?.invocationResult?.[0]?.tags?.tag?.[0]).toMatchObject({ tagKey: 'run', tagValue: 'one' });

    const listed = await invocationOf(invokeId);
    expectFields('DescribeInvocations', listed.body, INVOCATION_FIELDS);
    const invocation = listed.body?.invocations?.invocation?.[0];
    expect(invocation).toMatchObject({
      invokeId,
      commandName: 'greet',
      commandType: 'RunShellScript',
      commandContent: 'echo "hi {{who}}"',
      parameters: '{"who":"sdk"}',
      repeatMode: 'Once',
      timed: false,
      timeout: 30,
      invocationStatus: 'Success',
    });
    expect(invocation?.invokeInstances?.invokeInstance?.[0]).toMatchObject({ instanceId: local.instanceId, output: 'hi sdk\n', exitCode: 0, repeats: 1 });
    expect(listed.body?.totalCount).toBe(1);

    const ran = await client.runCommand(
      new ecsModule.RunCommandRequest({ regionId: REGION, type: 'RunShellScript', commandContent: 'echo started; sleep 30', instanceId: [local.instanceId], timeout: 60 }),
    );
    expectFields('RunCommand', ran.body, { requestId: 'string', commandId: 'string', invokeId: 'string' });
    const running = ran.body?.invokeId ?? '';
    await resultsWhen(running, (row) => row.invocationStatus === 'Running');
    const stopped = await client.stopInvocation(new ecsModule.StopInvocationRequest({ regionId: REGION, invokeId: running, instanceId: [local.instanceId] }));
    expectFields('StopInvocation', stopped.body, REQUEST_ONLY);
    const killed = await resultsWhen(running, (row) => FINAL.has(row.invocationStatus ?? ''));
    expect(killed.body?.invocation?.invocationResults?.invocationResult?.[0]?.invocationStatus).toBe('Terminated');
    expect((await invocationOf(running)).body?.invocations?.invocation?.[0]?.invocationStatus).toBe('Stopped');
  });

  it('ModifyInvocationAttribute on a Period task, then DescribeInvocationResults with IncludeHistory', async () => {
    const client = sdk();
    const ran = await client.runCommand(
      new ecsModule.RunCommandRequest({ regionId: REGION, type: 'RunShellScript', commandContent: 'echo first', instanceId: [local.instanceId], frequency: 'rate(2h)' }),
    );
    const invokeId = ran.body?.invokeId ?? '';
    await waitFor(async () => ((await invocationOf(invokeId)).body?.invocations?.invocation?.[0]?.invocationStatus === 'Scheduled' ? true : undefined), 10_000, 'Scheduled');

    const modified = await client.modifyInvocationAttribute(
      new ecsModule.ModifyInvocationAttributeRequest({ regionId: REGION, invokeId, commandContent: 'echo modified', contentEncoding: 'PlainText', frequency: 'rate(1h)' }),
    );
    expectFields('ModifyInvocationAttribute', modified.body, { requestId: 'string', commandId: 'string' });
    expect(modified.body?.commandId).toMatch(/^c-/);
    expect(modified.body?.commandId).not.toBe(ran.body?.commandId);

    const listed = await invocationOf(invokeId);
    expect(listed.body?.invocations?.invocation?.[0]).toMatchObject({ repeatMode: 'Period', frequency: 'rate(1h)', timed: true, commandContent: 'echo modified' });

    await advance(3601);
    await resultsWhen(invokeId, (row) => row.repeats === 1 && row.invocationStatus === 'Scheduled');
    const history = await client.describeInvocationResults(
      new ecsModule.DescribeInvocationResultsRequest({ regionId: REGION, invokeId, includeHistory: true, contentEncoding: 'PlainText' }),
    );
    expectFields('DescribeInvocationResults IncludeHistory', history.body, RESULT_FIELDS);
    const runs = history.body?.invocation?.invocationResults?.invocationResult ?? [];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ invokeId, invocationStatus: 'Success', output: 'modified\n', exitCode: 0 });

    await client.stopInvocation(new ecsModule.StopInvocationRequest({ regionId: REGION, invokeId }));
    await waitFor(async () => ((await invocationOf(invokeId)).body?.invocations?.invocation?.[0]?.invocationStatus === 'Stopped' ? true : undefined), 10_000, 'Stopped');
  });

  it('DescribeCloudAssistantStatus, CreateActivation, DescribeActivations, DisableActivation and DeleteActivation', async () => {
    const client = sdk();
    const status = await client.describeCloudAssistantStatus(new ecsModule.DescribeCloudAssistantStatusRequest({ regionId: REGION, instanceId: [local.instanceId] }));
    expectFields('DescribeCloudAssistantStatus', status.body, STATUS_FIELDS);
    const row = status.body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus?.[0];
    expect(row).toMatchObject({ instanceId: local.instanceId, cloudAssistantStatus: 'true', OSType: 'Linux', supportSessionManager: false });
    expect(row?.invocationCount).toBeGreaterThan(0);
    expect(status.body?.totalCount).toBe(1);

    const created = await client.createActivation(
      new ecsModule.CreateActivationRequest({
        regionId: REGION,
        description: 'all-ops',
        instanceCount: 2,
        instanceName: 'allops',
        ipAddressRange: '0.0.0.0/0',
        timeToLiveInHours: 4,
        tag: [new ecsModule.CreateActivationRequestTag({ key: 'team', value: 'qa' })],
      }),
    );
    expectFields('CreateActivation', created.body, { requestId: 'string', activationId: 'string', activationCode: 'string' });
    const activationId = created.body?.activationId ?? '';
    expect(activationId).toMatch(UUID);
    expect(created.body?.activationCode).toMatch(/^a-/);

    const listed = await client.describeActivations(new ecsModule.DescribeActivationsRequest({ regionId: REGION, activationId }));
    expectFields('DescribeActivations', listed.body, ACTIVATIONS_FIELDS);
    expect(listed.body?.totalCount).toBe(1);
    expect(listed.body?.activationList?.[0]).toMatchObject({
      activationId,
      description: 'all-ops',
      instanceName: 'allops',
      instanceCount: 2,
      registeredCount: 0,
      deregisteredCount: 0,
      ipAddressRange: '0.0.0.0/0',
      timeToLiveInHours: 4,
      disabled: false,
    });
    expect(listed.body?.activationList?.[0]?.tags?.map((t) => [t.tagKey, t.tagValue])).toEqual([['team', 'qa']]);

    const disabled = await client.disableActivation(new ecsModule.DisableActivationRequest({ regionId: REGION, activationId }));
    expectFields('DisableActivation', disabled.body, { requestId: 'string', ...under('activation.', { ...ACTIVATION_CORE, disabled: 'boolean' }) });
    expect(disabled.body?.activation).toMatchObject({ activationId, disabled: true, instanceCount: 2 });

    const deleted = await client.deleteActivation(new ecsModule.DeleteActivationRequest({ regionId: REGION, activationId }));
    expectFields('DeleteActivation', deleted.body, { requestId: 'string', ...under('activation.', ACTIVATION_CORE) });
    expect(deleted.body?.activation?.activationId).toBe(activationId);
  });

  it('DescribeManagedInstances, ModifyManagedInstance and DeregisterManagedInstance', async () => {
    const client = sdk();
    await withExtraAgent(`extra-${algorithm ?? 'acs3'}`, async (extra) => {
      const listed = await client.describeManagedInstances(new ecsModule.DescribeManagedInstancesRequest({ regionId: REGION, instanceId: [extra.instanceId] }));
      expectFields('DescribeManagedInstances', listed.body, MANAGED_FIELDS);
      expect(listed.body?.totalCount).toBe(1);
      expect(listed.body?.instances?.[0]).toMatchObject({ instanceId: extra.instanceId, connected: true, osType: 'linux', invocationCount: 0 });
      expect(listed.body?.instances?.[0]?.registrationTime).toMatch(API_TIME);

      const renamed = await client.modifyManagedInstance(new ecsModule.ModifyManagedInstanceRequest({ regionId: REGION, instanceId: extra.instanceId, instanceName: 'renamed-mi' }));
      expectFields('ModifyManagedInstance', renamed.body, { requestId: 'string', 'instance.instanceId': 'string', 'instance.instanceName': 'string' });
      expect(renamed.body?.instance).toMatchObject({ instanceId: extra.instanceId, instanceName: 'renamed-mi' });

      const gone = await client.deregisterManagedInstance(new ecsModule.DeregisterManagedInstanceRequest({ regionId: REGION, instanceId: extra.instanceId }));
      expectFields('DeregisterManagedInstance', gone.body, DEREGISTERED_FIELDS);
      expect(gone.body?.instance).toMatchObject({ instanceId: extra.instanceId, instanceName: 'renamed-mi', osType: 'linux' });
      const after = await client.describeManagedInstances(new ecsModule.DescribeManagedInstancesRequest({ regionId: REGION, instanceId: [extra.instanceId] }));
      expect(after.body?.instances).toEqual([]);
    });
  });

  it('DescribeRegions, and RunInstances, DescribeInstances and the start/stop/reboot/delete operations of the fleet', async () => {
    const client = sdk();
    const regions = await client.describeRegions(new ecsModule.DescribeRegionsRequest({}));
    expectFields('DescribeRegions', regions.body, REGIONS_FIELDS);
    expect(regions.body?.regions?.region?.map((r) => r.regionId)).toContain(REGION);

    const ran = await client.runInstances(new ecsModule.RunInstancesRequest({ regionId: REGION, imageId: 'casim/instance', amount: 2, instanceName: 'sdk-vm' }));
    expectFields('RunInstances', ran.body, { requestId: 'string', 'instanceIdSets.instanceIdSet': 'array' });
    const ids = ran.body?.instanceIdSets?.instanceIdSet ?? [];
    expect(ids).toHaveLength(2);
    const [first = '', second = ''] = ids;

    const describe = async () =>
      client.describeInstances(new ecsModule.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify(ids) }));
    const described = await describe();
    expectFields('DescribeInstances', described.body, INSTANCES_FIELDS);
    expect(described.body?.totalCount).toBe(2);
    expect(described.body?.instances?.instance?.map((i) => [i.instanceName, i.status]).sort()).toEqual([
      ['sdk-vm-1', 'Running'],
      ['sdk-vm-2', 'Running'],
    ]);
    const statusOf = async (id: string) => (await describe()).body?.instances?.instance?.find((i) => i.instanceId === id)?.status;

    expectFields('StopInstance', (await client.stopInstance(new ecsModule.StopInstanceRequest({ instanceId: first }))).body, REQUEST_ONLY);
    expect(await statusOf(first)).toBe('Stopped');
    expectFields('StartInstance', (await client.startInstance(new ecsModule.StartInstanceRequest({ instanceId: first }))).body, REQUEST_ONLY);
    expect(await statusOf(first)).toBe('Running');
    expectFields('RebootInstance', (await client.rebootInstance(new ecsModule.RebootInstanceRequest({ instanceId: first }))).body, REQUEST_ONLY);
    expect(await statusOf(first)).toBe('Running');

    const stoppedAll = await client.stopInstances(new ecsModule.StopInstancesRequest({ regionId: REGION, instanceId: ids }));
    expectFields('StopInstances', stoppedAll.body, INSTANCE_RESPONSES_FIELDS);
    expect(stoppedAll.body?.instanceResponses?.instanceResponse?.map((r) => r.currentStatus)).toEqual(['Stopped', 'Stopped']);
    const startedAll = await client.startInstances(new ecsModule.StartInstancesRequest({ regionId: REGION, instanceId: ids }));
    expectFields('StartInstances', startedAll.body, INSTANCE_RESPONSES_FIELDS);
    expect(startedAll.body?.instanceResponses?.instanceResponse?.map((r) => [r.previousStatus, r.currentStatus])).toEqual([
      ['Stopped', 'Running'],
      ['Stopped', 'Running'],
    ]);
    const rebootedAll = await client.rebootInstances(new ecsModule.RebootInstancesRequest({ regionId: REGION, instanceId: ids }));
    expectFields('RebootInstances', rebootedAll.body, INSTANCE_RESPONSES_FIELDS);

    expectFields('DeleteInstance', (await client.deleteInstance(new ecsModule.DeleteInstanceRequest({ instanceId: first, force: true }))).body, REQUEST_ONLY);
    expectFields('DeleteInstances', (await client.deleteInstances(new ecsModule.DeleteInstancesRequest({ regionId: REGION, instanceId: [second], force: true }))).body, REQUEST_ONLY);
    const remaining = await describe();
    expect(remaining.body?.instances?.instance).toEqual([]);
    expect(remaining.body?.totalCount).toBe(0);
  });

  it('SendFile and DescribeSendFileResults', async () => {
    const client = sdk();
    const targetDir = join(filesDir, `sdk-${algorithm ?? 'acs3'}`);
    const sent = await client.sendFile(
      new ecsModule.SendFileRequest({
        regionId: REGION,
        instanceId: [local.instanceId],
        name: 'hello.txt',
        description: 'a file',
        targetDir,
        content: b64('hello from the SDK\n'),
        contentType: 'Base64',
        fileMode: '0640',
        overwrite: true,
        timeout: 30,
        tag: [new ecsModule.SendFileRequestTag({ key: 'team', value: 'qa' })],
      }),
    );
    expectFields('SendFile', sent.body, { requestId: 'string', invokeId: 'string' });
    const invokeId = sent.body?.invokeId ?? '';
    expect(invokeId).toMatch(/^f-/);

    const results = await waitFor(async () => {
      const response = await client.describeSendFileResults(new ecsModule.DescribeSendFileResultsRequest({ regionId: REGION, invokeId }));
      const status = response.body?.invocations?.invocation?.[0]?.invocationStatus;
      return status === 'Success' || status === 'Failed' ? response : undefined;
    }, 20_000, `SendFile ${invokeId}`);
    expectFields('DescribeSendFileResults', results.body, SEND_FILE_FIELDS);
    expect(results.body?.totalCount).toBe(1);
    expect(results.body?.invocations?.invocation?.[0]).toMatchObject({
      invokeId,
      name: 'hello.txt',
      description: 'a file',
      contentType: 'Base64',
      fileMode: '0640',
      targetDir,
      overwrite: 'true',
      vmCount: 1,
      invocationStatus: 'Success',
    });
    expect(results.body?.invocations?.invocation?.[0]?.invokeInstances?.invokeInstance?.[0]).toMatchObject({ instanceId: local.instanceId, invocationStatus: 'Success', errorCode: '' });
    expect(readFileSync(join(targetDir, 'hello.txt'), 'utf8')).toBe('hello from the SDK\n');
    expect(statSync(join(targetDir, 'hello.txt')).mode & 0o7777).toBe(0o640);
  });

  it('MaxResults/NextToken paging: every Describe* echoes PageNumber, PageSize and NextToken, and TotalCount only in page mode', async () => {
    // Spec §1.10: with MaxResults/NextToken "TotalCount is not valid"; the issue settles it:
    // TotalCount only in PageNumber/PageSize mode.
    const client = sdk();
    const page = { regionId: REGION, maxResults: 1 };
    const bodies = {
      DescribeCommands: (await client.describeCommands(new ecsModule.DescribeCommandsRequest(page))).body,
      DescribeInvocations: (await client.describeInvocations(new ecsModule.DescribeInvocationsRequest(page))).body,
      DescribeInvocationResults: (await client.describeInvocationResults(new ecsModule.DescribeInvocationResultsRequest(page))).body?.invocation,
      DescribeCloudAssistantStatus: (await client.describeCloudAssistantStatus(new ecsModule.DescribeCloudAssistantStatusRequest(page))).body,
      DescribeActivations: (await client.describeActivations(new ecsModule.DescribeActivationsRequest(page))).body,
      DescribeManagedInstances: (await client.describeManagedInstances(new ecsModule.DescribeManagedInstancesRequest(page))).body,
      DescribeSendFileResults: (await client.describeSendFileResults(new ecsModule.DescribeSendFileResultsRequest(page))).body,
    };
    const fields: Fields = {};
    for (const action of Object.keys(bodies)) Object.assign(fields, under(`${action}.`, { pageNumber: 'number', pageSize: 'number', nextToken: 'string' }));
    expectFields('Describe* with MaxResults', bodies, fields);
    for (const body of Object.values(bodies)) expect(body?.totalCount).toBeUndefined();
    // NextToken leads to the next page.
    const next = bodies.DescribeInvocations?.nextToken ?? '';
    expect(next).not.toBe('');
    const second = await client.describeInvocations(new ecsModule.DescribeInvocationsRequest({ ...page, nextToken: next }));
    expect(second.body?.invocations?.invocation?.[0]?.invokeId).not.toBe(bodies.DescribeInvocations?.invocations?.invocation?.[0]?.invokeId);
  });

  it('surfaces an API error as a ClientError with code, statusCode, requestId and the body', async () => {
    const error = await sdk()
      .disableActivation(new ecsModule.DisableActivationRequest({ regionId: REGION, activationId: '00000000-0000-0000-0000-000000000000' }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ClientError);
    const clientError = error as ClientError & { data?: Record<string, unknown> };
    expect(clientError.name).toBe('ClientError');
    expect(clientError.code).toBe('InvalidActivationId.NotFound');
    expect(clientError.statusCode).toBe(404);
    expect(clientError.requestId).toMatch(UUID);
    expect(clientError.message).toContain('The specified activation id does not exist.');
    expect(clientError.data).toMatchObject({ Code: 'InvalidActivationId.NotFound', HostId: 'ecs.aliyuncs.com', RequestId: clientError.requestId });
  });
});

// ---------------------------------------------------------------------------------------------
// @alicloud/pop-core 1.8 (POST): the raw PascalCase JSON

describe('every operation through @alicloud/pop-core 1.8 RPCClient (POST)', () => {
  type Raw = Record<string, unknown>;
  const pop = (): RPCClient =>
    new RPCClient({ accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, endpoint: test.server.url, apiVersion: '2014-05-26' });
  const call = <T = Raw>(action: string, params: Record<string, unknown>): Promise<T> =>
    pop().request<T>(action, { RegionId: REGION, ...params }, { method: 'POST', timeout: 10_000 });
  const wire = (label: string, body: unknown, fields: Fields): void => expectFields(`pop-core ${label}`, body, fields, 'wire');

  interface ResultRow { InvocationStatus: string; Repeats: number; Output: string; ExitCode: number }
  async function resultsWhen(invokeId: string, done: (row: ResultRow) => boolean): Promise<Raw> {
    return waitFor(async () => {
      const body = await call<{ Invocation: { InvocationResults: { InvocationResult: ResultRow[] } } }>('DescribeInvocationResults', { InvokeId: invokeId, ContentEncoding: 'PlainText' });
      const row = body.Invocation.InvocationResults.InvocationResult[0];
      return row && done(row) ? (body as unknown as Raw) : undefined;
    }, 30_000, `results of ${invokeId}`);
  }
  const invocationOf = (invokeId: string) =>
    call<{ TotalCount: number; Invocations: { Invocation: Array<Record<string, unknown>> } }>('DescribeInvocations', {
      InvokeId: invokeId,
      IncludeOutput: true,
      ContentEncoding: 'PlainText',
    });

  it('CreateCommand, DescribeCommands, ModifyCommand and DeleteCommand', async () => {
    const created = await call<{ CommandId: string }>('CreateCommand', {
      Name: 'pop-ops',
      Description: 'raw',
      Type: 'RunShellScript',
      CommandContent: b64('echo {{who}}'),
      EnableParameter: true,
      Timeout: 30,
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'qa',
    });
    wire('CreateCommand', created, { requestId: 'string', commandId: 'string' });
    const CommandId = created.CommandId;

    const listed = await call('DescribeCommands', { CommandId, ContentEncoding: 'PlainText' });
    wire('DescribeCommands', listed, COMMAND_FIELDS);
    expect(listed).toMatchObject({
      TotalCount: 1,
      PageNumber: 1,
      PageSize: 10,
      NextToken: '',
      Commands: { Command: [expect.objectContaining({ CommandId, Timeout: 30, EnableParameter: true, CommandContent: 'echo {{who}}', ParameterNames: { ParameterName: ['who'] }, Tags: { Tag: [{ TagKey: 'team', TagValue: 'qa' }] } })] },
    });
    expect(Object.keys(listed)).not.toContain('Code');

    wire('ModifyCommand', await call('ModifyCommand', { CommandId, Name: 'renamed', Timeout: 45 }), REQUEST_ONLY);
    expect(await call('DescribeCommands', { CommandId })).toMatchObject({ Commands: { Command: [expect.objectContaining({ Name: 'renamed', Timeout: 45 })] } });
    wire('DeleteCommand', await call('DeleteCommand', { CommandId }), REQUEST_ONLY);
    expect(await call('DescribeCommands', { CommandId })).toMatchObject({ TotalCount: 0, Commands: { Command: [] } });
  });

  it('InvokeCommand, RunCommand, DescribeInvocations, DescribeInvocationResults and StopInvocation on a real agent', async () => {
    const { CommandId } = await call<{ CommandId: string }>('CreateCommand', {
      Name: 'pop-greet',
      Type: 'RunShellScript',
      CommandContent: b64('echo "hi {{who}}"; exit 3'),
      EnableParameter: true,
    });
    const invoked = await call<{ InvokeId: string }>('InvokeCommand', { CommandId, InstanceId: [local.instanceId], Parameters: JSON.stringify({ who: 'pop' }) });
    wire('InvokeCommand', invoked, { requestId: 'string', invokeId: 'string' });
    const { InvokeId } = invoked;

    const results = await resultsWhen(InvokeId, (row) => FINAL.has(row.InvocationStatus));
    wire('DescribeInvocationResults', results, RESULT_FIELDS);
    expect(results).toMatchObject({
      Invocation: {
        TotalCount: 1,
        InvocationResults: {
          InvocationResult: [expect.objectContaining({ InvokeId, InvocationStatus: 'Failed', ExitCode: 3, ErrorCode: 'ExitCodeNonzero', Output: 'hi pop\n', Dropped: 0, Repeats: 1 })],
        },
      },
    });

    const listed = await invocationOf(InvokeId);
    wire('DescribeInvocations', listed, INVOCATION_FIELDS);
    expect(listed.Invocations.Invocation[0]).toMatchObject({ InvokeId, Parameters: '{"who":"pop"}', Timeout: 60, Timed: false, InvocationStatus: 'Failed' });

    const ran = await call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'sleep 30', InstanceId: [local.instanceId] });
    wire('RunCommand', ran, { requestId: 'string', commandId: 'string', invokeId: 'string' });
    await resultsWhen(ran.InvokeId, (row) => row.InvocationStatus === 'Running');
    wire('StopInvocation', await call('StopInvocation', { InvokeId: ran.InvokeId, InstanceId: [local.instanceId] }), REQUEST_ONLY);
    const stopped = await resultsWhen(ran.InvokeId, (row) => FINAL.has(row.InvocationStatus));
    expect(stopped).toMatchObject({ Invocation: { InvocationResults: { InvocationResult: [expect.objectContaining({ InvocationStatus: 'Terminated' })] } } });
  });

  it('ModifyInvocationAttribute on a Period task, then DescribeInvocationResults with IncludeHistory', async () => {
    const ran = await call<{ InvokeId: string; CommandId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo first',
      InstanceId: [local.instanceId],
      Frequency: 'rate(2h)',
    });
    await waitFor(async () => ((await invocationOf(ran.InvokeId)).Invocations.Invocation[0]?.InvocationStatus === 'Scheduled' ? true : undefined), 10_000, 'Scheduled');
    const modified = await call<{ CommandId: string }>('ModifyInvocationAttribute', { InvokeId: ran.InvokeId, CommandContent: 'echo modified', Frequency: 'rate(1h)' });
    wire('ModifyInvocationAttribute', modified, { requestId: 'string', commandId: 'string' });
    expect(modified.CommandId).not.toBe(ran.CommandId);

    await advance(3601);
    await resultsWhen(ran.InvokeId, (row) => row.Repeats === 1 && row.InvocationStatus === 'Scheduled');
    const history = await call('DescribeInvocationResults', { InvokeId: ran.InvokeId, IncludeHistory: true, ContentEncoding: 'PlainText' });
    wire('DescribeInvocationResults IncludeHistory', history, RESULT_FIELDS);
    expect(history).toMatchObject({ Invocation: { InvocationResults: { InvocationResult: [expect.objectContaining({ InvocationStatus: 'Success', Output: 'modified\n' })] } } });

    await call('StopInvocation', { InvokeId: ran.InvokeId });
    await waitFor(async () => ((await invocationOf(ran.InvokeId)).Invocations.Invocation[0]?.InvocationStatus === 'Stopped' ? true : undefined), 10_000, 'Stopped');
  });

  it('DescribeCloudAssistantStatus, activations and managed instances', async () => {
    const status = await call('DescribeCloudAssistantStatus', { InstanceId: [local.instanceId] });
    wire('DescribeCloudAssistantStatus', status, STATUS_FIELDS);
    expect(status).toMatchObject({
      InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: [expect.objectContaining({ InstanceId: local.instanceId, CloudAssistantStatus: 'true', OSType: 'Linux' })] },
    });

    const created = await call<{ ActivationId: string }>('CreateActivation', { Description: 'pop', InstanceCount: 3, InstanceName: 'popmi', 'Tag.1.Key': 'team', 'Tag.1.Value': 'qa' });
    wire('CreateActivation', created, { requestId: 'string', activationId: 'string', activationCode: 'string' });
    const { ActivationId } = created;
    const listed = await call('DescribeActivations', { ActivationId });
    wire('DescribeActivations', listed, ACTIVATIONS_FIELDS);
    expect(listed).toMatchObject({ ActivationList: [expect.objectContaining({ ActivationId, InstanceCount: 3, Disabled: false, Tags: [{ TagKey: 'team', TagValue: 'qa' }] })] });
    const disabled = await call('DisableActivation', { ActivationId });
    wire('DisableActivation', disabled, { requestId: 'string', ...under('activation.', { ...ACTIVATION_CORE, disabled: 'boolean' }) });
    expect(disabled).toMatchObject({ Activation: { ActivationId, Disabled: true } });
    wire('DeleteActivation', await call('DeleteActivation', { ActivationId }), { requestId: 'string', ...under('activation.', ACTIVATION_CORE) });

    await withExtraAgent('extra-pop', async (extra) => {
      const managed = await call('DescribeManagedInstances', { InstanceId: [extra.instanceId] });
      wire('DescribeManagedInstances', managed, MANAGED_FIELDS);
      expect(managed).toMatchObject({ TotalCount: 1, Instances: [expect.objectContaining({ InstanceId: extra.instanceId, Connected: true })] });
      const renamed = await call('ModifyManagedInstance', { InstanceId: extra.instanceId, InstanceName: 'pop-renamed' });
      wire('ModifyManagedInstance', renamed, { requestId: 'string', 'instance.instanceId': 'string', 'instance.instanceName': 'string' });
      expect(renamed).toMatchObject({ Instance: { InstanceId: extra.instanceId, InstanceName: 'pop-renamed' } });
      const gone = await call('DeregisterManagedInstance', { InstanceId: extra.instanceId });
      wire('DeregisterManagedInstance', gone, DEREGISTERED_FIELDS);
    });
  });

  it('DescribeRegions, and the ECS instance operations of the fleet', async () => {
    wire('DescribeRegions', await call('DescribeRegions', {}), REGIONS_FIELDS);
    const ran = await call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { ImageId: 'casim/instance', Amount: 1, InstanceName: 'pop-vm' });
    wire('RunInstances', ran, { requestId: 'string', 'instanceIdSets.instanceIdSet': 'array' });
    const [id = ''] = ran.InstanceIdSets.InstanceIdSet;
    const described = await call('DescribeInstances', { InstanceIds: JSON.stringify([id]) });
    wire('DescribeInstances', described, INSTANCES_FIELDS);
    expect(described).toMatchObject({ TotalCount: 1, Instances: { Instance: [expect.objectContaining({ InstanceId: id, InstanceName: 'pop-vm', Status: 'Running' })] } });
    wire('StopInstances', await call('StopInstances', { InstanceId: [id] }), INSTANCE_RESPONSES_FIELDS);
    wire('StartInstances', await call('StartInstances', { InstanceId: [id] }), INSTANCE_RESPONSES_FIELDS);
    wire('RebootInstances', await call('RebootInstances', { InstanceId: [id] }), INSTANCE_RESPONSES_FIELDS);
    wire('StopInstance', await pop().request('StopInstance', { InstanceId: id }, { method: 'POST' }), REQUEST_ONLY);
    wire('StartInstance', await pop().request('StartInstance', { InstanceId: id }, { method: 'POST' }), REQUEST_ONLY);
    wire('RebootInstance', await pop().request('RebootInstance', { InstanceId: id }, { method: 'POST' }), REQUEST_ONLY);
    wire('DeleteInstances', await call('DeleteInstances', { InstanceId: [id], Force: true }), REQUEST_ONLY);
    const second = await call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { Amount: 1 });
    wire('DeleteInstance', await pop().request('DeleteInstance', { InstanceId: second.InstanceIdSets.InstanceIdSet[0], Force: true }, { method: 'POST' }), REQUEST_ONLY);
  });

  it('SendFile and DescribeSendFileResults', async () => {
    const targetDir = join(filesDir, 'pop');
    const sent = await call<{ InvokeId: string }>('SendFile', { InstanceId: [local.instanceId], Name: 'pop.txt', TargetDir: targetDir, Content: 'from pop-core\n' });
    wire('SendFile', sent, { requestId: 'string', invokeId: 'string' });
    const results = await waitFor(async () => {
      const body = await call<{ Invocations: { Invocation: Array<{ InvocationStatus: string }> } }>('DescribeSendFileResults', { InvokeId: sent.InvokeId });
      const status = body.Invocations.Invocation[0]?.InvocationStatus;
      return status === 'Success' || status === 'Failed' ? body : undefined;
    }, 20_000, `SendFile ${sent.InvokeId}`);
    wire('DescribeSendFileResults', results, SEND_FILE_FIELDS);
    expect(results).toMatchObject({
      TotalCount: 1,
      Invocations: { Invocation: [expect.objectContaining({ InvokeId: sent.InvokeId, ContentType: 'PlainText', FileMode: '0644', FileOwner: 'root', Overwrite: 'false', VmCount: 1, InvocationStatus: 'Success' })] },
    });
    expect(readFileSync(join(targetDir, 'pop.txt'), 'utf8')).toBe('from pop-core\n');
  });

  it('MaxResults/NextToken paging: every Describe* echoes PageNumber, PageSize and NextToken, and TotalCount only in page mode', async () => {
    const bodies: Record<string, unknown> = {};
    for (const action of ['DescribeCommands', 'DescribeInvocations', 'DescribeCloudAssistantStatus', 'DescribeActivations', 'DescribeManagedInstances', 'DescribeSendFileResults']) {
      bodies[action] = await call(action, { MaxResults: 1 });
    }
    bodies.DescribeInvocationResults = (await call<{ Invocation: unknown }>('DescribeInvocationResults', { MaxResults: 1 })).Invocation;
    const fields: Fields = {};
    for (const action of Object.keys(bodies)) Object.assign(fields, { [`${action}.pageNumber`]: 'number', [`${action}.pageSize`]: 'number', [`${action}.nextToken`]: 'string' });
    wire('Describe* with MaxResults', bodies, fields);
    for (const body of Object.values(bodies)) expect((body as { TotalCount?: unknown }).TotalCount).toBeUndefined();
  });

  it('surfaces an API error with err.code, err.name and the message', async () => {
    const error = await call('DisableActivation', { ActivationId: '00000000-0000-0000-0000-000000000000' }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; name?: string; message?: string; data?: Record<string, unknown>; entry?: { response?: { statusCode?: number } } },
    );
    expect(error?.code).toBe('InvalidActivationId.NotFound');
    expect(error?.name).toBe('InvalidActivationId.NotFoundError');
    expect(error?.message).toContain('The specified activation id does not exist.');
    expect(error?.data?.RequestId).toMatch(UUID);
    expect(error?.entry?.response?.statusCode).toBe(404);
  });
});
