/**
 * Every error code of the catalog (controlplane/api/errors.ts API_ERRORS) that an API call can
 * produce, provoked over HTTP: each row checks the HTTP status, the Code and the exact Message
 * of the catalog (with its `{detail}` filled in where it has one, and the operation's own
 * documented wording where the spec gives one), plus the error envelope
 * `{RequestId, HostId, Code, Message, Recommend}` (spec cloud-assistant-api.md §1.5, §1.7).
 *
 * API calls go through the CLI's ApiClient (signed HMAC-SHA1, POST form). Gateway errors that
 * need a malformed envelope (timestamp, nonce, missing signature, version, action) are sent
 * as hand-built V1-signed requests (controlplane/auth/signature-v1.ts signV1).
 * Quota errors use a second server started with quotas of 1; the ECS instance errors use a fake
 * fleet (no Docker). Where the spec words a code differently for one operation (spec §3, §14.1,
 * §15.4), that operation's row expects the documented wording.
 *
 * Codes NOT provoked here, on purpose:
 * - InternalError (500): only a server fault gives it (an unexpected exception, or RunInstances
 *   when the fleet cannot start a machine, e.g. a server without Docker).
 * - RegionId.ApiNotSupported (400): every operation is served in every accepted region, so no
 *   request can produce it (nothing in controlplane/ throws it).
 * - ServiceUnavailable (500): only a store that cannot write (a full disk) gives it; provoked by
 *   test/integration/disk-full.test.ts on a filled tmpfs.
 * - Throttling (400): only a server started with an API rate (CASIM_API_RATE) gives it; provoked
 *   by test/integration/throttling.test.ts.
 * - Parameter.MissingValue (400): the spec (§17.4) gives it only for a required parameter of a
 *   public command (ParameterDefinitions.Required); casim has no public commands, and omitted
 *   parameters of a private command become "" (spec §17.1).
 * The last test fails if a catalog code is neither provoked here nor listed above.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type Params } from '../../cli/api-client.js';
import { API_ERRORS, type ApiErrorCode } from '../../controlplane/api/errors.js';
import { MAX_REQUEST_HEAD_BYTES } from '../../controlplane/api/request-limits.js';
import { rpcStringToSign, signV1 } from '../../controlplane/auth/signature-v1.js';
import { startServer, type RunningServer } from '../../controlplane/server.js';
import { AdjustableClock, formatApiTime } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, startLocalAgent, startTestServer, TEST_KEY, waitFor, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';
import { FakeFleet } from '../support/fake-fleet.js';

/** Codes no API call can produce (see the comment at the top). */
const NOT_PROVOKED: readonly ApiErrorCode[] = ['InternalError', 'RegionId.ApiNotSupported', 'ServiceUnavailable', 'Throttling', 'Parameter.MissingValue'];

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const UNKNOWN_ACTIVATION = '00000000-0000-4000-8000-000000000000';

/** The spec §1.7 wording of the parametrised gateway errors (not in API_ERRORS). */
const missingParameterMessage = (name: string): string => `The input parameter “${name}” that is mandatory for processing this request is not supplied.`;
const invalidParameterMessage = (name: string): string => `The specified parameter “${name}” is not valid.`;


// ---------------------------------------------------------------------------------------------
// Servers and fixtures

let test: TestServer;
let local: LocalAgent;
let fleet: FakeFleet;
/** A saved command without parameters, and one with `{{who}}` (EnableParameter). */
let plainCommandId: string;
let paramCommandId: string;
/** A finished Once invocation on the local agent, and a live rate(1h) one. */
let onceInvokeId: string;
let periodInvokeId: string;
/** The activation the local agent registered with (in use). */
let agentActivationId: string;
/** ECS instances of the fake fleet: one Running, one Stopped. */
let runningEcsId: string;
let stoppedEcsId: string;

let quotaServer: RunningServer;
let quotaClient: ApiClient;
let quotaDir: string;
let quotaAgent: LocalAgent;

/** InvokeCommand parameters for the plain command on the local agent. */
function onLocalNow(extra: Params = {}): Params {
  return { CommandId: plainCommandId, InstanceId: [local.instanceId], ...extra };
}

const clientFor = (server: { url: string }, overrides: Partial<{ accessKeyId: string; accessKeySecret: string; regionId: string }> = {}): ApiClient =>
  new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou', ...overrides });

beforeAll(async () => {
  fleet = new FakeFleet();
  test = await startTestServer({ fleet });
  local = await startLocalAgent(test, 'errors');
  const c = test.client;
  ({ CommandId: plainCommandId } = await c.call<{ CommandId: string }>('CreateCommand', { Name: 'plain', Type: 'RunShellScript', CommandContent: b64('echo hi') }));
  ({ CommandId: paramCommandId } = await c.call<{ CommandId: string }>('CreateCommand', {
    Name: 'with-params',
    Type: 'RunShellScript',
    CommandContent: b64('echo {{who}}'),
    EnableParameter: true,
  }));
  ({ InvokeId: onceInvokeId } = await c.call<{ InvokeId: string }>('InvokeCommand', { CommandId: plainCommandId, InstanceId: [local.instanceId] }));
  await waitForResults(c, onceInvokeId);
  ({ InvokeId: periodInvokeId } = await c.call<{ InvokeId: string }>('InvokeCommand', onLocalNow({ Frequency: 'rate(1h)' })));
  const managed = await c.call<{ Instances: Array<{ ActivationId: string }> }>('DescribeManagedInstances', { InstanceId: [local.instanceId] });
  agentActivationId = managed.Instances[0]!.ActivationId;
  const ran = await c.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { Amount: 2, InstanceName: 'ecs', 'Tag.1.Key': 'role', 'Tag.1.Value': 'web' });
  [runningEcsId = '', stoppedEcsId = ''] = ran.InstanceIdSets.InstanceIdSet;
  await c.call('StopInstance', { InstanceId: stoppedEcsId });

  // Quotas of 1, each used up once: the next command, activation or invocation is refused.
  quotaDir = mkdtempSync(join(tmpdir(), 'casim-quota-'));
  quotaServer = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: quotaDir,
    accessKeys: [TEST_KEY],
    logger: createLogger('test-controlplane'),
    quotas: { commandsPerRegion: 1, invocationsPerDay: 1, activationsPerRegion: 1, instancesPerCall: 100 },
  });
  quotaClient = clientFor(quotaServer);
  quotaAgent = await startLocalAgent({ server: quotaServer, client: quotaClient, dataDir: quotaDir, close: () => quotaServer.close() }, 'quota');
  await quotaClient.call('CreateCommand', { Name: 'only', Type: 'RunShellScript', CommandContent: b64('true') });
  const { InvokeId } = await quotaClient.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [quotaAgent.instanceId] });
  await waitForResults(quotaClient, InvokeId);
});

afterAll(async () => {
  quotaAgent?.agent.stop();
  await quotaServer?.close();
  if (quotaDir) removeDir(quotaDir);
  if (quotaAgent) removeDir(quotaAgent.stateDir);
  local?.agent.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (local) removeDir(local.stateDir);
});

// ---------------------------------------------------------------------------------------------
// Answers

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function parse(status: number, text: string): Answer {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsable: text.slice(0, 200) };
  }
  return { status, body };
}

/** The status, Code, exact Message and the rest of the envelope of an error answer. */
function expectError(answer: Answer, status: number, code: string, message: string): void {
  expect({ status: answer.status, Code: answer.body.Code, Message: answer.body.Message }).toEqual({ status, Code: code, Message: message });
  expect(Object.keys(answer.body).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  expect(answer.body.RequestId).toMatch(UUID);
  expect(answer.body.HostId).toBe('ecs.aliyuncs.com');
  expect(answer.body.Recommend).toBe(`https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Ecs&requestId=${String(answer.body.RequestId)}`);
}

function catalogued(code: ApiErrorCode, detail = ''): { status: number; message: string } {
  const [status, template] = API_ERRORS[code];
  return { status, message: template.replace('{detail}', detail) };
}

// ---------------------------------------------------------------------------------------------
// Errors of API calls (ApiClient)

interface Row {
  code: ApiErrorCode;
  action: string;
  what: string;
  params: () => Params | Promise<Params>;
  /** The `{detail}` of the catalog message. */
  detail?: string;
  /** The operation's own documented message, where the spec words it differently. */
  message?: string;
  /** Another client: another server, region or key. */
  client?: () => ApiClient;
}

const ids = (count: number, prefix = 'i-x'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const tags = (count: number): Params => Object.fromEntries(Array.from({ length: count }, (_, i) => [[`Tag.${i + 1}.Key`, `k${i}`], [`Tag.${i + 1}.Value`, 'v']]).flat());
const cmd = (extra: Params = {}): Params => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('echo x'), ...extra });
const onLocal = (extra: Params = {}): Params => onLocalNow(extra);
/** A SendFile that would succeed but for what `extra` changes. */
const file = (extra: Params = {}): Params => ({ InstanceId: [local.instanceId], Name: 'f.txt', TargetDir: join(tmpdir(), 'casim-error-catalog'), Content: 'x', ...extra });
const withParams = (parameters: string): Params => ({ CommandId: paramCommandId, InstanceId: [local.instanceId], Parameters: parameters });

const ROWS: Row[] = [
  // gateway / common
  { code: 'InvalidParameter', action: 'RunInstances', what: 'with a 129-character InstanceName', params: () => ({ InstanceName: 'n'.repeat(129) }) },
  { code: 'InvalidAction.NotFound', action: 'NoSuchAction', what: 'for an unknown Action', params: () => ({}) },
  { code: 'InvalidAction.NotFound', action: 'StartTerminalSession', what: 'for an ECS action the simulator does not serve', params: () => ({ InstanceId: [local.instanceId] }) },
  {
    code: 'InvalidAccessKeyId.NotFound',
    action: 'DescribeInvocations',
    what: 'signed with an unknown AccessKeyId',
    params: () => ({}),
    client: () => clientFor(test.server, { accessKeyId: 'nobody', accessKeySecret: 'x' }),
  },
  {
    code: 'InvalidRegionId.NotFound',
    action: 'DescribeInvocations',
    what: 'in an unknown region',
    params: () => ({}),
    client: () => clientFor(test.server, { regionId: 'xx-nowhere-1' }),
  },
  {
    code: 'InvalidRegionId.NotFound',
    action: 'CreateCommand',
    what: 'in an unknown region',
    params: () => cmd(),
    client: () => clientFor(test.server, { regionId: 'cn-atlantis' }),
  },
  { code: 'Operation.Forbidden', action: 'ModifyInvocationAttribute', what: 'on a finished Once task', params: () => ({ InvokeId: onceInvokeId, Frequency: 'rate(1h)' }) },

  // paging (spec §1.10)
  { code: 'InvalidParam.PageNumber', action: 'DescribeCommands', what: 'with PageNumber 0', params: () => ({ PageNumber: 0 }) },
  { code: 'InvalidParam.PageSize', action: 'DescribeInvocations', what: 'with PageSize 51', params: () => ({ PageSize: 51 }) },
  { code: 'InvalidParam.PageSize', action: 'DescribeInstances', what: 'with PageSize 101', params: () => ({ PageSize: 101 }) },
  { code: 'InvalidParameter.NextToken', action: 'DescribeActivations', what: 'with a NextToken it never gave', params: () => ({ NextToken: 'not-a-token' }) },
  { code: 'InvalidParameter.MaxResults', action: 'DescribeManagedInstances', what: 'with MaxResults 51', params: () => ({ MaxResults: 51 }) },
  { code: 'InvalidParameter.MaxResults', action: 'DescribeInvocationResults', what: 'with MaxResults 0', params: () => ({ MaxResults: 0 }) },

  // commands (spec §2, §10, §11, §17.4)
  { code: 'CmdParam.EmptyKey', action: 'CreateCommand', what: 'with an empty {{}} placeholder', params: () => cmd({ CommandContent: b64('echo {{ }}'), EnableParameter: true }) },
  { code: 'CmdParam.InvalidParamName', action: 'CreateCommand', what: 'with a placeholder name holding a space and "!"', params: () => cmd({ CommandContent: b64('echo {{bad name!}}'), EnableParameter: true }) },
  { code: 'CmdParam.InvalidParamName', action: 'RunCommand', what: 'with a placeholder name holding a dot', params: () => ({ Type: 'RunShellScript', CommandContent: 'echo {{a.b}}', EnableParameter: true, InstanceId: [local.instanceId] }) },
  { code: 'CmdContent.DecodeError', action: 'CreateCommand', what: 'with content that is not Base64', params: () => cmd({ CommandContent: 'not base64!' }) },
  { code: 'InvalidParameter.WorkingDir', action: 'CreateCommand', what: 'with a 201-character WorkingDir', params: () => cmd({ WorkingDir: `/${'d'.repeat(200)}` }) },
  { code: 'InvalidParameter.WorkingDir', action: 'InvokeCommand', what: 'with a 201-character WorkingDir', params: () => onLocal({ WorkingDir: `/${'d'.repeat(200)}` }) },
  { code: 'CmdContent.ExceedLimit', action: 'CreateCommand', what: 'with content over 18 KB as Base64', params: () => cmd({ CommandContent: b64('x'.repeat(14_000)) }) },
  { code: 'CmdContent.ExceedLimit', action: 'RunCommand', what: 'with content over 24 KB as Base64 (KeepCommand=false)', params: () => ({ Type: 'RunShellScript', CommandContent: 'x'.repeat(19_000), InstanceId: [local.instanceId] }) },
  {
    code: 'CmdContent.ExceedLimit',
    action: 'InvokeCommand',
    what: 'whose content with its Parameters is over 18 KB as Base64 (its own documented message, spec §3)',
    params: () => withParams(JSON.stringify({ who: 'x'.repeat(14_000) })),
    message: 'The maximum length of a command is exceeded.',
  },
  { code: 'CmdName.ExceedLimit', action: 'CreateCommand', what: 'with a 129-character Name', params: () => cmd({ Name: 'n'.repeat(129) }) },
  { code: 'CmdName.ExceedLimit', action: 'ModifyCommand', what: 'with a 129-character Name', params: () => ({ CommandId: plainCommandId, Name: 'n'.repeat(129) }) },
  { code: 'CmdDesc.ExceedLimit', action: 'CreateCommand', what: 'with a 513-character Description', params: () => cmd({ Description: 'd'.repeat(513) }) },
  { code: 'CmdParamCount.ExceedLimit', action: 'CreateCommand', what: 'with 21 custom parameters', params: () => cmd({ CommandContent: b64(ids(21, 'p').map((p) => `{{${p}}}`).join(' ')), EnableParameter: true }) },
  { code: 'CmdParamName.ExceedLimit', action: 'CreateCommand', what: 'with a 65-byte parameter name', params: () => cmd({ CommandContent: b64(`echo {{${'p'.repeat(65)}}}`), EnableParameter: true }) },
  { code: 'InvalidLauncher.LengthLimitExceeded', action: 'CreateCommand', what: 'with a 1025-character Launcher', params: () => cmd({ Launcher: 'l'.repeat(1025) }) },
  { code: 'InvalidLauncher.LengthLimitExceeded', action: 'InvokeCommand', what: 'with a 1025-character Launcher', params: () => onLocal({ Launcher: 'l'.repeat(1025) }) },
  { code: 'InvalidTimeout.ExceedLimit', action: 'CreateCommand', what: 'with Timeout 86401', params: () => cmd({ Timeout: 86_401 }) },
  { code: 'InvalidTimeout.ExceedLimit', action: 'ModifyCommand', what: 'with Timeout 86401', params: () => ({ CommandId: plainCommandId, Timeout: 86_401 }) },
  { code: 'InvalidCmdType.NotFound', action: 'CreateCommand', what: 'with Type=Shell', params: () => cmd({ Type: 'Shell' }) },
  { code: 'InvalidCmdType.NotFound', action: 'RunCommand', what: 'with Type=RunPythonScript', params: () => ({ Type: 'RunPythonScript', CommandContent: 'print(1)', InstanceId: [local.instanceId] }) },
  { code: 'InvalidCmdId.NotFound', action: 'InvokeCommand', what: 'with an unknown CommandId', params: () => ({ CommandId: 'c-nope', InstanceId: [local.instanceId] }) },
  { code: 'InvalidCmdId.NotFound', action: 'ModifyCommand', what: 'with an unknown CommandId', params: () => ({ CommandId: 'c-nope', Name: 'x' }) },
  { code: 'InvalidCmdId.NotFound', action: 'DeleteCommand', what: 'with an unknown CommandId', params: () => ({ CommandId: 'c-nope' }) },
  {
    code: 'InvalidCommand.Running',
    action: 'DeleteCommand',
    what: 'while the command runs',
    params: async () => {
      const { CommandId } = await test.client.call<{ CommandId: string }>('CreateCommand', cmd({ CommandContent: b64('sleep 2') }));
      await test.client.call('InvokeCommand', { CommandId, InstanceId: [local.instanceId] });
      return { CommandId };
    },
  },

  // invocations (spec §3, §4, §8, §12, §17.4, §18)
  { code: 'MissingParam.InstanceId', action: 'InvokeCommand', what: 'without InstanceId', params: () => ({ CommandId: plainCommandId }) },
  { code: 'MissingParam.InstanceId', action: 'RunCommand', what: 'with only empty InstanceId values', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', 'InstanceId.1': '' }) },
  { code: 'InvalidContainerId.Malformed', action: 'InvokeCommand', what: 'with ContainerId "abc"', params: () => onLocal({ ContainerId: 'abc' }) },
  { code: 'InvalidContainerName.Malformed', action: 'RunCommand', what: 'with ContainerName "-web"', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId], ContainerName: '-web' }) },
  { code: 'InvalidClientToken.Malformed', action: 'RunCommand', what: 'with a 65-character ClientToken', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId], ClientToken: 't'.repeat(65) }) },
  { code: 'InvalidClientToken.Malformed', action: 'CreateActivation', what: 'with a non-ASCII ClientToken', params: () => ({ ClientToken: 'tökén' }) },
  { code: 'InvalidInstance.NotMatch', action: 'RunCommand', what: 'with a Windows command type on a Linux instance', params: () => ({ Type: 'RunPowerShellScript', CommandContent: 'dir', InstanceId: [local.instanceId] }) },
  { code: 'InvalidInstance.NotMatch', action: 'InvokeCommand', what: 'on a Stopped instance', params: () => ({ CommandId: plainCommandId, InstanceId: [stoppedEcsId] }) },
  { code: 'MissingParam.Frequency', action: 'InvokeCommand', what: 'with RepeatMode=Period and no Frequency', params: () => onLocal({ RepeatMode: 'Period' }) },
  { code: 'InvalidParam.Frequency', action: 'RunCommand', what: 'with Frequency rate(10s), under the 60 s minimum', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId], Frequency: 'rate(10s)' }) },
  { code: 'InvalidParam.Frequency', action: 'InvokeCommand', what: 'with an unparsable Frequency', params: () => onLocal({ Frequency: 'every now and then' }) },
  { code: 'InvalidParam.Frequency', action: 'InvokeCommand', what: 'with an at() in the past', params: () => onLocal({ Frequency: 'at(2020-01-01 00:00:00)' }) },
  { code: 'InvalidParam.Frequency', action: 'ModifyInvocationAttribute', what: 'with an unparsable Frequency on a Period task', params: () => ({ InvokeId: periodInvokeId, Frequency: 'rate(1x)' }) },
  { code: 'Parameter.Disabled', action: 'ModifyInvocationAttribute', what: 'with Parameters on a Period task whose command has no EnableParameter', params: () => ({ InvokeId: periodInvokeId, Parameters: '{"who":"x"}' }) },
  { code: 'Parameter.Disabled', action: 'InvokeCommand', what: 'with Parameters on a command without EnableParameter', params: () => onLocal({ Parameters: '{"who":"x"}' }) },
  { code: 'InvalidParameter.Parameters', action: 'InvokeCommand', what: 'with Parameters that are not JSON', params: () => withParams('[object Object]') },
  { code: 'InvalidParameter.Parameters', action: 'InvokeCommand', what: 'with a JSON array as Parameters', params: () => withParams('["who"]') },
  { code: 'InstanceIds.ExceedLimit', action: 'InvokeCommand', what: 'on 101 instances', params: () => ({ CommandId: plainCommandId, InstanceId: ids(101) }) },
  { code: 'InstanceIds.ExceedLimit', action: 'StopInvocation', what: 'with 51 instances', params: () => ({ InvokeId: onceInvokeId, InstanceId: ids(51) }) },
  { code: 'InstanceIds.ExceedLimit', action: 'DescribeCloudAssistantStatus', what: 'with 101 instances', params: () => ({ InstanceId: ids(101) }) },
  { code: 'InstanceIds.ExceedLimit', action: 'DescribeManagedInstances', what: 'with 51 instances', params: () => ({ InstanceId: ids(51, 'mi-x') }) },
  { code: 'ParameterCount.ExceedLimit', action: 'InvokeCommand', what: 'with 11 parameters', params: () => withParams(JSON.stringify(Object.fromEntries(ids(11, 'k').map((k) => [k, 'v'])))) },
  { code: 'ParameterKey.ExceedLimit', action: 'InvokeCommand', what: 'with a 65-character parameter name', params: () => withParams(JSON.stringify({ ['k'.repeat(65)]: 'v' })) },
  { code: 'ParameterKey.Duplicate', action: 'InvokeCommand', what: 'with "who" and "WHO" (names are case-insensitive)', params: () => withParams('{"who":"a","WHO":"b"}') },
  { code: 'ParameterKey.Duplicate', action: 'InvokeCommand', what: 'with "who" twice, exactly (JSON.parse would merge them)', params: () => withParams('{"who":"a","who":"b"}') },
  { code: 'ParameterKey.Duplicate', action: 'RunCommand', what: 'with a key twice in Parameters', params: () => ({ Type: 'RunShellScript', CommandContent: 'echo {{who}}', EnableParameter: true, InstanceId: [local.instanceId], Parameters: '{"who":"a", "who":""}' }) },
  { code: 'Parameter.NotMatched', action: 'InvokeCommand', what: 'with a parameter the command does not define', params: () => withParams('{"other":"x"}') },
  { code: 'ParameterType.NotSupported', action: 'InvokeCommand', what: 'with a number as a parameter value', params: () => withParams('{"who":3}') },
  { code: 'Username.ExceedLimit', action: 'RunCommand', what: 'with a 256-character Username', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId], Username: 'u'.repeat(256) }) },
  { code: 'WindowsPasswordName.ExceedLimit', action: 'InvokeCommand', what: 'with a 256-character WindowsPasswordName', params: () => onLocal({ WindowsPasswordName: 'w'.repeat(256) }) },
  { code: 'NumberExceed.ResourceTags', action: 'InvokeCommand', what: 'with 11 ResourceTag.N (InvokeCommand takes 1–10)', params: () => ({ CommandId: plainCommandId, ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`ResourceTag.${i + 1}.Key`, `k${i}`])) }) },
  { code: 'NumberExceed.ResourceTags', action: 'RunCommand', what: 'with 21 ResourceTag.N (RunCommand takes up to 20)', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`ResourceTag.${i + 1}.Key`, `k${i}`])) }) },
  { code: 'InvalidResourceTagValue.Malformed', action: 'InvokeCommand', what: 'with a ResourceTag value holding https:// after other text', params: () => ({ CommandId: plainCommandId, 'ResourceTag.1.Key': 'role', 'ResourceTag.1.Value': 'see https://x' }) },
  { code: 'NumberExceed.ResourceTags', action: 'InvokeCommand', what: 'with 21 ResourceTag.N', params: () => ({ CommandId: plainCommandId, ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`ResourceTag.${i + 1}.Key`, `k${i}`])) }) },
  { code: 'MissingParameter.ResourceTagKey', action: 'InvokeCommand', what: 'with a ResourceTag.1.Value but no Key', params: () => ({ CommandId: plainCommandId, 'ResourceTag.1.Value': 'web' }) },
  { code: 'InvalidResourceTagKey.Malformed', action: 'InvokeCommand', what: 'with a ResourceTag key starting with aliyun', params: () => ({ CommandId: plainCommandId, 'ResourceTag.1.Key': 'aliyun-role' }) },
  { code: 'InvalidResourceTagValue.Malformed', action: 'InvokeCommand', what: 'with a ResourceTag value that is a URL', params: () => ({ CommandId: plainCommandId, 'ResourceTag.1.Key': 'role', 'ResourceTag.1.Value': 'http://x' }) },
  { code: 'Duplicate.ResourceTagKey', action: 'InvokeCommand', what: 'with the same ResourceTag key twice', params: () => ({ CommandId: plainCommandId, 'ResourceTag.1.Key': 'role', 'ResourceTag.2.Key': 'role' }) },
  { code: 'InvalidResourceGroup.NotFound', action: 'InvokeCommand', what: 'with a ResourceGroupId no instance or activation carries', params: () => onLocal({ ResourceGroupId: 'rg-none' }) },
  { code: 'InvalidResourceGroup.NotFound', action: 'SendFile', what: 'with a ResourceGroupId no instance or activation carries', params: () => file({ ResourceGroupId: 'rg-none' }) },
  { code: 'InvalidResourceTag.InstanceNotFound', action: 'InvokeCommand', what: 'with a ResourceTag no instance has', params: () => ({ CommandId: plainCommandId, 'ResourceTag.1.Key': 'no-such-tag' }) },
  { code: 'InvalidResourceTag.ConflictWithInstanceIds', action: 'InvokeCommand', what: 'with both ResourceTag and InstanceId', params: () => ({ ...onLocal(), 'ResourceTag.1.Key': 'role', 'ResourceTag.1.Value': 'web' }) },
  {
    code: 'ParameterStore.NotSupported',
    action: 'RunCommand',
    what: 'with an {{oos:…}} Parameter Store reference',
    params: () => ({ Type: 'RunShellScript', CommandContent: 'echo {{oos:db-password}}', EnableParameter: true, InstanceId: [local.instanceId] }),
  },
  { code: 'InvalidRepeatMode.NotFound', action: 'InvokeCommand', what: 'with RepeatMode=Sometimes', params: () => onLocal({ RepeatMode: 'Sometimes' }) },
  { code: 'InvalidInstance.NotFound', action: 'InvokeCommand', what: 'on an unknown instance', params: () => ({ CommandId: plainCommandId, InstanceId: ['i-doesnotexist'] }) },
  { code: 'InvalidInstance.NotFound', action: 'RunCommand', what: 'on a known and an unknown instance', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId, 'mi-missing'] }) },
  { code: 'InvalidInstance.NotFound', action: 'DescribeCloudAssistantStatus', what: 'for an unknown instance', params: () => ({ InstanceId: ['i-unknown'] }) },
  { code: 'InvalidInstance.NotFound', action: 'ModifyInvocationAttribute', what: 'adding an unknown instance to a Period task', params: () => ({ InvokeId: periodInvokeId, InstanceId: ['i-unknown'] }) },
  {
    code: 'InvalidInstance.NotFound',
    action: 'DeregisterManagedInstance',
    what: 'for an unknown instance (its own documented message, spec §15.4)',
    params: () => ({ InstanceId: 'mi-unknown' }),
    message: 'The specified instance id does not exist.',
  },
  { code: 'InvalidInstance.NotFound', action: 'ModifyManagedInstance', what: 'for an unknown instance', params: () => ({ InstanceId: 'mi-unknown', InstanceName: 'x' }) },
  { code: 'InvalidTerminationMode.NotFound', action: 'InvokeCommand', what: 'with TerminationMode=Kill', params: () => onLocal({ TerminationMode: 'Kill' }) },
  { code: 'InvalidInvokeId.NotFound', action: 'StopInvocation', what: 'with an unknown InvokeId', params: () => ({ InvokeId: 't-nope' }) },
  { code: 'InvalidInvokeId.NotFound', action: 'ModifyInvocationAttribute', what: 'with an unknown InvokeId', params: () => ({ InvokeId: 't-nope', Frequency: 'rate(1h)' }) },
  { code: 'InvalidInstanceId.NotFound', action: 'StopInvocation', what: 'for an instance the task does not run on', params: () => ({ InvokeId: onceInvokeId, InstanceId: ['i-other'] }) },
  { code: 'InvalidInstanceId.NotFound', action: 'StartInstance', what: 'for an unknown ECS instance', params: () => ({ InstanceId: 'i-unknown' }) },
  { code: 'InvalidInstanceId.NotFound', action: 'StopInstances', what: 'with a managed instance (not an ECS one)', params: () => ({ InstanceId: [local.instanceId] }) },

  // SendFile (spec §14.1)
  { code: 'FileTargetDir.Invalid', action: 'SendFile', what: 'with a relative TargetDir', params: () => file({ TargetDir: 'relative/dir' }) },
  { code: 'FileTargetDir.Invalid', action: 'SendFile', what: 'with a 256-character TargetDir', params: () => file({ TargetDir: `/${'d'.repeat(255)}` }) },
  { code: 'FileMode.Invalid', action: 'SendFile', what: 'with FileMode 0999', params: () => file({ FileMode: '0999' }) },
  { code: 'FileContent.DecodeError', action: 'SendFile', what: 'with ContentType=Base64 and content that is not Base64', params: () => file({ ContentType: 'Base64', Content: 'not base64!' }) },
  { code: 'FileContentType.Invalid', action: 'SendFile', what: 'with ContentType=Hex', params: () => file({ ContentType: 'Hex' }) },
  { code: 'InvalidParameter.FileOwner', action: 'SendFile', what: 'with FileOwner "a:b"', params: () => file({ FileOwner: 'a:b' }) },
  { code: 'InvalidParameter.FileGroup', action: 'SendFile', what: 'with FileGroup "g/x"', params: () => file({ FileGroup: 'g/x' }) },
  { code: 'FileSize.ExceedLimit', action: 'SendFile', what: 'with content over 32 KB as Base64', params: () => file({ Content: 'x'.repeat(25_000) }) },
  { code: 'FileName.ExceedLimit', action: 'SendFile', what: 'with a 256-character Name', params: () => file({ Name: 'n'.repeat(256) }) },
  { code: 'FileDesc.ExceedLimit', action: 'SendFile', what: 'with a 513-character Description', params: () => file({ Description: 'd'.repeat(513) }) },
  { code: 'MissingParam.InstanceId', action: 'SendFile', what: 'without InstanceId', params: () => file({ InstanceId: [] }) },
  { code: 'InstanceIds.ExceedLimit', action: 'SendFile', what: 'to 51 instances', params: () => file({ InstanceId: ids(51) }) },
  { code: 'InvalidTimeout.ExceedLimit', action: 'SendFile', what: 'with Timeout 86401', params: () => file({ Timeout: 86_401 }) },
  {
    code: 'InvalidInstance.NotFound',
    action: 'SendFile',
    what: 'to an unknown instance (its own documented message, spec §14.1)',
    params: () => file({ InstanceId: [local.instanceId, 'i-unknown'] }),
    message: 'The specified instances not found.',
  },
  { code: 'InvalidParam.PageSize', action: 'DescribeSendFileResults', what: 'with PageSize 51', params: () => ({ PageSize: 51 }) },
  { code: 'InvalidParameter.NextToken', action: 'DescribeSendFileResults', what: 'with a NextToken it never gave', params: () => ({ NextToken: '!!' }) },
  { code: 'Duplicate.TagKey', action: 'DescribeSendFileResults', what: 'with the same Tag key twice', params: () => ({ 'Tag.1.Key': 'a', 'Tag.2.Key': 'a' }) },

  // managed instances (spec §15)
  { code: 'InstanceName.ExceedLimit', action: 'CreateActivation', what: 'with a 51-character InstanceName', params: () => ({ InstanceName: `a${'b'.repeat(50)}` }) },
  { code: 'InstanceName.ExceedLimit', action: 'ModifyManagedInstance', what: 'with a 129-character InstanceName', params: () => ({ InstanceId: local.instanceId, InstanceName: 'n'.repeat(129) }) },
  { code: 'InstanceName.InvalidPattern', action: 'CreateActivation', what: 'with an InstanceName starting with a digit', params: () => ({ InstanceName: '1host' }) },
  { code: 'InstanceName.InvalidPattern', action: 'CreateActivation', what: 'with an http:// InstanceName', params: () => ({ InstanceName: 'http://host' }) },
  { code: 'ActivationDesc.ExceedLimit', action: 'CreateActivation', what: 'with a 101-character Description', params: () => ({ Description: 'd'.repeat(101) }) },
  { code: 'ActivationLimitation.Invalid', action: 'CreateActivation', what: 'with InstanceCount 1001', params: () => ({ InstanceCount: 1001 }), detail: '1000' },
  { code: 'ActivationLimitation.Invalid', action: 'CreateActivation', what: 'with InstanceCount 0', params: () => ({ InstanceCount: 0 }), detail: '1000' },
  { code: 'AddressRange.InvalidPattern', action: 'CreateActivation', what: 'with IpAddressRange "somewhere"', params: () => ({ IpAddressRange: 'somewhere' }) },
  { code: 'ActivationTTL.ExceedLimit', action: 'CreateActivation', what: 'with TimeToLiveInHours 5', params: () => ({ TimeToLiveInHours: 5 }), detail: '4' },
  { code: 'ActivationTTL.ExceedLimit', action: 'CreateActivation', what: 'with TimeToLiveInHours 0', params: () => ({ TimeToLiveInHours: 0 }), detail: '4' },
  { code: 'IncorrectInstanceStatus', action: 'StartInstance', what: 'on a Running ECS instance', params: () => ({ InstanceId: runningEcsId }) },
  { code: 'IncorrectInstanceStatus', action: 'RebootInstance', what: 'on a Stopped ECS instance', params: () => ({ InstanceId: stoppedEcsId }) },
  { code: 'InvalidActivationId.NotFound', action: 'DisableActivation', what: 'with an unknown ActivationId', params: () => ({ ActivationId: UNKNOWN_ACTIVATION }) },
  { code: 'InvalidActivationId.NotFound', action: 'DeleteActivation', what: 'with an unknown ActivationId', params: () => ({ ActivationId: UNKNOWN_ACTIVATION }) },
  { code: 'ActivationInUse', action: 'DeleteActivation', what: 'while a managed instance is registered with it', params: () => ({ ActivationId: agentActivationId }) },
  {
    code: 'IdempotentParameterMismatch',
    action: 'CreateCommand',
    what: 'reusing a ClientToken with another Name',
    params: async () => {
      const token = `token-${randomUUID()}`;
      await test.client.call('CreateCommand', cmd({ Name: 'first', ClientToken: token }));
      return cmd({ Name: 'second', ClientToken: token });
    },
  },

  // tags (spec §1.11)
  { code: 'NumberExceed.Tags', action: 'DescribeCommands', what: 'with 21 tags', params: () => tags(21) },
  { code: 'NumberExceed.Tags', action: 'CreateActivation', what: 'with 21 tags', params: () => tags(21) },
  { code: 'Duplicate.TagKey', action: 'DescribeInvocations', what: 'with the same Tag key twice', params: () => ({ 'Tag.1.Key': 'a', 'Tag.2.Key': 'a' }) },
  { code: 'InvalidTagKey.Malformed', action: 'CreateCommand', what: 'with a Tag key starting with "aliyun"', params: () => cmd({ 'Tag.1.Key': 'aliyun-team', 'Tag.1.Value': 'v' }) },
  { code: 'InvalidTagKey.Malformed', action: 'DescribeActivations', what: 'with a 65-character Tag key', params: () => ({ 'Tag.1.Key': 'k'.repeat(65) }) },
  { code: 'InvalidTagValue.Malformed', action: 'CreateCommand', what: 'with a Tag value holding http:// after other text', params: () => cmd({ 'Tag.1.Key': 'k', 'Tag.1.Value': 'docs at http://example.com' }) },
  { code: 'InvalidTagValue.Malformed', action: 'DescribeCommands', what: 'with a Tag value ending in HTTPS://', params: () => ({ 'Tag.1.Key': 'k', 'Tag.1.Value': 'xHTTPS://' }) },
  { code: 'InvalidTagValue.Malformed', action: 'RunCommand', what: 'with a 129-character Tag value', params: () => ({ Type: 'RunShellScript', CommandContent: 'id', InstanceId: [local.instanceId], 'Tag.1.Key': 'k', 'Tag.1.Value': 'v'.repeat(129) }) },
  { code: 'MissingParameter.TagKey', action: 'DescribeInvocationResults', what: 'with a Tag value but no key', params: () => ({ 'Tag.1.Value': 'v' }) },

  // quotas: a server whose quotas of 1 are used up (spec §1.9, §15.1)
  { code: 'CmdCount.ExceedQuota', action: 'CreateCommand', what: 'past the command quota', params: () => cmd(), client: () => quotaClient },
  { code: 'CmdCount.ExceedQuota', action: 'RunCommand', what: 'with KeepCommand=true past the command quota', params: () => ({ Type: 'RunShellScript', CommandContent: 'true', KeepCommand: true, InstanceId: [quotaAgent.instanceId] }), client: () => quotaClient },
  { code: 'Invocation.ExceedQuota', action: 'RunCommand', what: 'past the daily invocation quota', params: () => ({ Type: 'RunShellScript', CommandContent: 'true', InstanceId: [quotaAgent.instanceId] }), client: () => quotaClient },
  { code: 'ActivationCount.ExceedLimit', action: 'CreateActivation', what: 'past the activation quota', params: () => ({}), detail: '1', client: () => quotaClient },
];

describe('every catalogued error an API call can produce', () => {
  it.each(ROWS.map((row) => [row.code, row.action, row.what, row] as const))('%s from %s %s', async (code, action, _what, row) => {
    const client = row.client?.() ?? test.client;
    const { status, text } = await client.send(action, await row.params(), 'JSON');
    const expected = catalogued(code, row.detail);
    expectError(parse(status, text), expected.status, code, row.message ?? expected.message);
  });

  it('refuses without storing anything: a failed RunCommand leaves no invocation and no command', async () => {
    const before = await test.client.call<{ TotalCount: number }>('DescribeInvocations', {});
    const commandsBefore = await test.client.call<{ TotalCount: number }>('DescribeCommands', {});
    const { status } = await test.client.send('RunCommand', { Type: 'RunShellScript', CommandContent: 'id', KeepCommand: true, InstanceId: [local.instanceId], Username: 'u'.repeat(256) }, 'JSON');
    expect(status).toBe(403);
    expect((await test.client.call<{ TotalCount: number }>('DescribeInvocations', {})).TotalCount).toBe(before.TotalCount);
    expect((await test.client.call<{ TotalCount: number }>('DescribeCommands', {})).TotalCount).toBe(commandsBefore.TotalCount);
  });
});

/** Codes provoked by their own tests below, outside ROWS. */
const OWN_TESTS: readonly ApiErrorCode[] = ['IdempotentProcessing'];

describe('IdempotentProcessing: a ClientToken repeated while its first call is still being processed', () => {
  it('refuses the repeat (403), runs the work once, and answers later repeats with the first result', async () => {
    const token = `token-${randomUUID()}`;
    const params: Params = { Amount: 1, InstanceName: 'slow', ClientToken: token };
    const release = fleet.holdStarts();
    const first = test.client.send('RunInstances', params, 'JSON');
    // The first call is in the fleet (held) once its instance is in the registry.
    const listed = (): Promise<number> => test.client.call<{ TotalCount: number }>('DescribeInstances', { InstanceName: 'slow' }).then((b) => b.TotalCount);
    await waitFor(async () => ((await listed()) === 1 ? true : undefined), 10_000, 'the first RunInstances in the fleet');
    const repeat = await test.client.send('RunInstances', params, 'JSON');
    const { status, message } = catalogued('IdempotentProcessing');
    expectError(parse(repeat.status, repeat.text), status, 'IdempotentProcessing', message);
    release();
    const done = await first;
    expect(done.status).toBe(200);
    const again = await test.client.send('RunInstances', params, 'JSON');
    expect(JSON.parse(again.text).InstanceIdSets).toEqual(JSON.parse(done.text).InstanceIdSets);
    expect(await listed()).toBe(1);
  });
});

describe('the parametrised gateway errors MissingParameter.<Name> and InvalidParameter.<Name>', () => {
  const cases: Array<[string, string, string, () => Params, () => ApiClient, string]> = [
    ['MissingParameter.Name', 'CreateCommand', 'without Name', () => ({ Type: 'RunShellScript', CommandContent: b64('x') }), () => test.client, missingParameterMessage('Name')],
    ['MissingParameter.CommandId', 'InvokeCommand', 'without CommandId', () => ({ InstanceId: [local.instanceId] }), () => test.client, missingParameterMessage('CommandId')],
    ['MissingParameter.InvokeId', 'StopInvocation', 'without InvokeId', () => ({}), () => test.client, missingParameterMessage('InvokeId')],
    ['MissingParameter.TargetDir', 'SendFile', 'without TargetDir', () => file({ TargetDir: undefined }), () => test.client, missingParameterMessage('TargetDir')],
    ['MissingParameter.RegionId', 'DescribeInvocations', 'without RegionId', () => ({}), () => clientFor(test.server, { regionId: '' }), missingParameterMessage('RegionId')],
    ['InvalidParameter.Timeout', 'CreateCommand', 'with Timeout "soon"', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'), Timeout: 'soon' }), () => test.client, invalidParameterMessage('Timeout')],
    ['InvalidParameter.Timeout', 'InvokeCommand', 'with Timeout 9, under the 10 s minimum', () => onLocal({ Timeout: 9 }), () => test.client, invalidParameterMessage('Timeout')],
    ['InvalidParameter.EnableParameter', 'CreateCommand', 'with EnableParameter "yes"', () => ({ Name: 'n', Type: 'RunShellScript', CommandContent: b64('x'), EnableParameter: 'yes' }), () => test.client, invalidParameterMessage('EnableParameter')],
  ];
  it.each(cases)('%s from %s %s', async (code, action, _what, params, client, message) => {
    const { status, text } = await client().send(action, params(), 'JSON');
    expectError(parse(status, text), 400, code, message);
  });
});

// ---------------------------------------------------------------------------------------------
// Gateway errors of malformed envelopes: hand-built V1-signed requests

type Pairs = Array<[string, string]>;

interface Envelope {
  action?: string | null;
  version?: string | null;
  timestamp?: string;
  nonce?: string;
  secret?: string;
  accessKeyId?: string;
  signatureMethod?: string;
  /** Sent without a Signature at all. */
  unsigned?: boolean;
}

/** A V1 request for DescribeRegions, signed (POST) unless `unsigned`; each part overridable. */
function envelope(options: Envelope = {}): { pairs: Pairs; unsignedPairs: Pairs } {
  const pairs: Pairs = [];
  if (options.action !== null) pairs.push(['Action', options.action ?? 'DescribeRegions']);
  if (options.version !== null) pairs.push(['Version', options.version ?? '2014-05-26']);
  pairs.push(
    ['Format', 'JSON'],
    ['AccessKeyId', options.accessKeyId ?? TEST_KEY.id],
    ['SignatureMethod', options.signatureMethod ?? 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['SignatureNonce', options.nonce ?? randomUUID()],
    ['Timestamp', options.timestamp ?? formatApiTime(new Date())],
    ['RegionId', 'cn-hangzhou'],
  );
  const unsignedPairs: Pairs = [...pairs];
  if (!options.unsigned) pairs.push(['Signature', signV1(options.secret ?? TEST_KEY.secret, 'POST', pairs)]);
  return { pairs, unsignedPairs };
}

async function postForm(pairs: Pairs, query = ''): Promise<Answer> {
  const response = await fetch(`${test.server.url}/${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(pairs).toString(),
  });
  return parse(response.status, await response.text());
}

describe('gateway errors of the request envelope (hand-built V1 requests)', () => {
  it('a correctly signed request succeeds (the control for the rows below)', async () => {
    const answer = await postForm(envelope().pairs);
    expect(answer.status).toBe(200);
    expect(answer.body.Regions).toBeDefined();
  });

  it('InvalidTimeStamp.Expired: a Timestamp 16 minutes old', async () => {
    const answer = await postForm(envelope({ timestamp: formatApiTime(new Date(Date.now() - 16 * 60_000)) }).pairs);
    const { status, message } = catalogued('InvalidTimeStamp.Expired');
    expectError(answer, status, 'InvalidTimeStamp.Expired', message);
  });

  it('InvalidTimeStamp.Expired: a Timestamp 16 minutes ahead', async () => {
    const answer = await postForm(envelope({ timestamp: formatApiTime(new Date(Date.now() + 16 * 60_000)) }).pairs);
    const { status, message } = catalogued('InvalidTimeStamp.Expired');
    expectError(answer, status, 'InvalidTimeStamp.Expired', message);
  });

  it('InvalidTimeStamp.Format: a Timestamp that is not yyyy-MM-ddTHH:mm:ssZ', async () => {
    const answer = await postForm(envelope({ timestamp: '2026-01-01 12:00:00' }).pairs);
    const { status, message } = catalogued('InvalidTimeStamp.Format');
    expectError(answer, status, 'InvalidTimeStamp.Format', message);
  });

  it('SignatureNonceUsed: the same signed request (same SignatureNonce) twice', async () => {
    const { pairs } = envelope({ nonce: `nonce-${randomUUID()}` });
    expect((await postForm(pairs)).status).toBe(200);
    const { status, message } = catalogued('SignatureNonceUsed');
    expectError(await postForm(pairs), status, 'SignatureNonceUsed', message);
  });

  it('IncompleteSignature: no Signature parameter', async () => {
    const { status, message } = catalogued('IncompleteSignature');
    expectError(await postForm(envelope({ unsigned: true }).pairs), status, 'IncompleteSignature', message);
  });

  it('IncompleteSignature: SignatureMethod HMAC-SHA256 in a V1 request', async () => {
    const { status, message } = catalogued('IncompleteSignature');
    expectError(await postForm(envelope({ signatureMethod: 'HMAC-SHA256' }).pairs), status, 'IncompleteSignature', message);
  });

  it('InvalidVersion: Version 2016-01-01', async () => {
    const { status, message } = catalogued('InvalidVersion');
    expectError(await postForm(envelope({ version: '2016-01-01' }).pairs), status, 'InvalidVersion', message);
  });

  it('MissingParameter.Action: a signed request without Action', async () => {
    expectError(await postForm(envelope({ action: null }).pairs), 400, 'MissingParameter.Action', missingParameterMessage('Action'));
  });

  it('MissingParameter.Version: a signed request without Version', async () => {
    expectError(await postForm(envelope({ version: null }).pairs), 400, 'MissingParameter.Version', missingParameterMessage('Version'));
  });

  it('InvalidAccessKeyId.NotFound: an unknown AccessKeyId', async () => {
    const { status, message } = catalogued('InvalidAccessKeyId.NotFound');
    expectError(await postForm(envelope({ accessKeyId: 'nobody', secret: 'x' }).pairs), status, 'InvalidAccessKeyId.NotFound', message);
  });

  it('SignatureDoesNotMatch: signed with another secret; the message quotes the server string to sign', async () => {
    const { pairs, unsignedPairs } = envelope({ secret: 'not-the-secret' });
    const { status, message } = catalogued('SignatureDoesNotMatch', rpcStringToSign('POST', unsignedPairs));
    expect(message).toMatch(/server string to sign is:POST&%2F&AccessKeyId%3D/);
    expectError(await postForm(pairs), status, 'SignatureDoesNotMatch', message);
  });

  it('Request.TooLarge: a request line past the request-size limit (api/request-limits.ts)', async () => {
    const { pairs } = envelope();
    const query = `?${new URLSearchParams([...pairs, ['Padding', 'x'.repeat(MAX_REQUEST_HEAD_BYTES)]]).toString()}`;
    const response = await fetch(`${test.server.url}/${query}`, { method: 'POST' });
    const { status, message } = catalogued('Request.TooLarge', String(MAX_REQUEST_HEAD_BYTES));
    expectError(parse(response.status, await response.text()), status, 'Request.TooLarge', message);
  });

  it('InvalidParameter: a form body over 1 MB', async () => {
    const { pairs } = envelope();
    const answer = await postForm([...pairs, ['Padding', 'x'.repeat(1_100_000)]], '?Format=JSON');
    const { status, message } = catalogued('InvalidParameter');
    expectError(answer, status, 'InvalidParameter', message);
  });
});

describe('ResourceTag.N selects the Running instances carrying the tags', () => {
  it('invokes on the tagged running instance only', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId: plainCommandId, 'ResourceTag.1.Key': 'role', 'ResourceTag.1.Value': 'web' });
    const body = await test.client.call<{ Invocations: { Invocation: Array<{ InvokeInstances: { InvokeInstance: Array<{ InstanceId: string }> } }> } }>('DescribeInvocations', { InvokeId });
    expect(body.Invocations.Invocation[0]!.InvokeInstances.InvokeInstance.map((i) => i.InstanceId)).toEqual([runningEcsId]);
  });
});

// ---------------------------------------------------------------------------------------------
// The time-control endpoint (casim's own, unsigned), whose errors are in the catalog too

const ADMIN_CODES: readonly ApiErrorCode[] = ['TimeControl.Disabled', 'InvalidParameter.Seconds', 'Admin.Disabled', 'InvalidFault.Malformed', 'InvalidFaultId.NotFound'];
/** Codes only an injected fault gives (flow control): provoked below through an api-error fault. */
const INJECTED_CODES: readonly ApiErrorCode[] = ['Throttling', 'Throttling.User'];

/** An admin endpoint's error body: the API's envelope with this code and message. */
function adminEnvelope(code: string, message: string): Record<string, unknown> {
  return { Code: code, Message: message, RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/), HostId: 'ecs.aliyuncs.com', Recommend: expect.stringContaining(`q=${code}&`) };
}

describe('time-control endpoint errors', () => {
  async function admin(url: string, path: string, method = 'POST'): Promise<{ status: number; body: { Code?: string; Message?: string } }> {
    const response = await fetch(`${url}/casim/admin/clock${path}`, { method });
    return { status: response.status, body: (await response.json()) as { Code?: string; Message?: string } };
  }

  it('gives 404 TimeControl.Disabled on a server started without --time-control', async () => {
    expect(await admin(test.server.url, '/advance?seconds=1')).toEqual({ status: 404, body: adminEnvelope('TimeControl.Disabled', API_ERRORS['TimeControl.Disabled'][1]) });
  });

  it('gives 400 InvalidParameter.Seconds for a negative or missing amount, and 404 InvalidAction.NotFound for another path', async () => {
    const timed = await startTestServer({ clock: new AdjustableClock() });
    try {
      for (const query of ['?seconds=-1', '?seconds=soon', '']) {
        expect(await admin(timed.server.url, `/advance${query}`)).toEqual({
          status: 400,
          body: adminEnvelope('InvalidParameter.Seconds', API_ERRORS['InvalidParameter.Seconds'][1]),
        });
      }
      expect((await admin(timed.server.url, '/rewind')).body.Code).toBe('InvalidAction.NotFound');
    } finally {
      await timed.close();
      removeDir(timed.dataDir);
    }
  });
});

describe('fault-injection endpoint errors, and the codes only a fault gives', () => {
  async function faults(url: string, method: string, path = '', body?: string): Promise<{ status: number; body: { Code?: string; Message?: string } }> {
    const response = await fetch(`${url}/casim/admin/faults${path}`, { method, ...(body === undefined ? {} : { body }) });
    return { status: response.status, body: (await response.json()) as { Code?: string; Message?: string } };
  }
  const expected = (code: ApiErrorCode, detail = ''): { status: number; body: Record<string, unknown> } => {
    const { status, message } = catalogued(code, detail);
    return { status, body: adminEnvelope(code, message) };
  };

  it('gives 404 Admin.Disabled on a server started without --admin', async () => {
    expect(await faults(test.server.url, 'GET')).toEqual(expected('Admin.Disabled'));
    expect(await faults(test.server.url, 'POST', '', '{"kind":"delivery-loss"}')).toEqual(expected('Admin.Disabled'));
  });

  it('gives 400 InvalidFault.Malformed for hostile input, 404 InvalidFaultId.NotFound for an unknown id; Throttling and Throttling.User when injected', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'casim-admin-'));
    const admin = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], logger: createLogger('test-controlplane'), admin: true });
    try {
      expect(await faults(admin.url, 'POST', '', '{"kind":')).toEqual(expected('InvalidFault.Malformed', 'the body is not JSON'));
      expect(await faults(admin.url, 'POST', '', '{"kind":"api-error","code":"NoSuchCode"}')).toMatchObject({ status: 400, body: { Code: 'InvalidFault.Malformed' } });
      expect((await faults(admin.url, 'POST', '', '{"kind":"api-error","code":"NoSuchCode"}')).body.Message).toMatch(/^The fault is not valid: code: /);
      expect(await faults(admin.url, 'POST', '', JSON.stringify({ kind: 'delivery-loss', padding: 'x'.repeat(70_000) }))).toEqual(expected('InvalidFault.Malformed', 'the body exceeds 65536 bytes'));
      expect(await faults(admin.url, 'DELETE', '/flt-000000000000')).toEqual(expected('InvalidFaultId.NotFound'));
      const client = clientFor(admin);
      for (const code of INJECTED_CODES) {
        expect((await faults(admin.url, 'POST', '', JSON.stringify({ kind: 'api-error', action: 'DescribeRegions', code, count: 1 }))).status).toBe(201);
        const answer = await client.send('DescribeRegions', {}, 'JSON');
        const { status, message } = catalogued(code);
        expectError(parse(answer.status, answer.text), status, code, message);
      }
    } finally {
      await admin.close();
      removeDir(dataDir);
    }
  });
});

describe('coverage of the catalog', () => {
  const gatewayCodes: readonly ApiErrorCode[] = [
    'InvalidTimeStamp.Expired',
    'InvalidTimeStamp.Format',
    'SignatureNonceUsed',
    'IncompleteSignature',
    'InvalidVersion',
    'InvalidAccessKeyId.NotFound',
    'SignatureDoesNotMatch',
    'InvalidParameter',
    'Request.TooLarge',
  ];

  it('provokes every code of API_ERRORS except the ones no API call can produce', () => {
    const provoked = new Set<string>([...ROWS.map((row) => row.code), ...gatewayCodes, ...ADMIN_CODES, ...INJECTED_CODES, ...OWN_TESTS]);
    const missing = (Object.keys(API_ERRORS) as ApiErrorCode[]).filter((code) => !provoked.has(code) && !NOT_PROVOKED.includes(code));
    expect(missing).toEqual([]);
  });
});
