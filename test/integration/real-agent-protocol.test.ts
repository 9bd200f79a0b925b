import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type Params } from '../../cli/api-client.js';
import { startServer, type RunningServer } from '../../controlplane/server.js';
import { AdjustableClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, TEST_KEY, waitFor } from '../support/harness.js';
import { RealAgentClient, type RunEntryBody } from '../support/real-agent-client.js';

/**
 * casim against a protocol-level stand-in of the real agent (test/support/real-agent-client.ts,
 * written from spec/real-agent-protocol.md): the observed conversation of Appendix A, checked
 * through the public API (DescribeInvocationResults etc.) as a user would see it.
 */
const clock = new AdjustableClock();
let server: RunningServer;
let api: ApiClient;
let dataDir: string;
let agent: RealAgentClient;

interface Result {
  InstanceId: string;
  InvocationStatus: string;
  ErrorCode: string;
  ErrorInfo: string;
  ExitCode: number;
  Output: string;
  Dropped: number;
  StartTime: string;
  FinishedTime: string;
}

async function results(invokeId: string, extra: Params = {}): Promise<Result[]> {
  const body = await api.call<{ Invocation: { InvocationResults: { InvocationResult: Result[] } } }>('DescribeInvocationResults', { InvokeId: invokeId, ContentEncoding: 'PlainText', ...extra });
  return body.Invocation.InvocationResults.InvocationResult;
}

const untilStatus = (invokeId: string, status: string): Promise<Result> =>
  waitFor(async () => (await results(invokeId)).find((r) => r.InvocationStatus === status), 10_000, `${invokeId} ${status}`);

async function run(script: string, params: Params = {}): Promise<string> {
  const { InvokeId } = await api.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: script, InstanceId: [agent.instanceId], ...params });
  return InvokeId;
}

/** Kick → accept → fetch by taskId: the one run entry for the invocation. */
async function fetchRun(invokeId: string, array: 'run' | 'test' = 'run'): Promise<RunEntryBody> {
  const kick = await agent.nextKick(`kick_vm task run ${invokeId}.`);
  const taskId = kick.split(' ')[3]!;
  const answer = await agent.taskList('kickoff', taskId);
  const entries = answer[array] ?? [];
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

const q = (entry: RunEntryBody, rest: string): string => `taskId=${entry.task.taskID}&invokeVersion=${entry.task.invokeVersion ?? 0}&${rest}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'casim-realagent-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], clock, logger: createLogger('test-controlplane'), realAgent: { port: 0 } });
  api = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
  const endpoint = server.realAgent!;
  agent = new RealAgentClient({ serverHost: endpoint.serverHost, ca: readFileSync(endpoint.caCertPath, 'utf8') });
});

afterAll(async () => {
  await agent?.closeChannel();
  await server?.close();
  if (dataDir) removeDir(dataDir);
});

describe('the real agent registers and connects', () => {
  it('serves HTTPS with a certificate for localhost from the CA it printed, and registers a managed instance', async () => {
    expect(server.realAgent!.serverHost).toMatch(/^localhost:\d+$/);
    const refused = await agent.register('act-nope', 'code-nope');
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ code: 400 });
    const { ActivationId, ActivationCode } = await api.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1, InstanceName: 'real' });
    const answer = await agent.register(ActivationId, ActivationCode, 'real-host');
    expect(answer.status).toBe(200);
    const body = answer.json() as { code: unknown; instanceId: unknown };
    expect(body.code).toBe(200); // the number, not "200" (§2.2)
    expect(body.instanceId).toMatch(/^mi-/);
    const managed = await api.call<{ Instances: Array<{ InstanceId: string; InstanceName: string; Connected: boolean; ActivationId: string }> }>('DescribeManagedInstances', { InstanceId: [agent.instanceId] });
    expect(managed.Instances[0]).toMatchObject({ InstanceId: agent.instanceId, InstanceName: 'real-host', ActivationId, Connected: false });
  });

  it('tells `casim fleet up --agent real` where to connect at GET /casim/real-agent', async () => {
    const answer = await fetch(`${server.url}/casim/real-agent`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ServerHost: server.realAgent!.serverHost, CaCertificate: readFileSync(server.realAgent!.caCertPath, 'utf8') });
  });

  it('shows the instance online once its signed wss channel is open; heartbeat and start-up fetch answer in the agent\'s types', async () => {
    await agent.openChannel();
    const beat = await agent.heartbeat(0, false);
    expect(beat.status).toBe(200);
    expect(beat.json()).toMatchObject({ nextInterval: 60_000 });
    const startup = await agent.taskList('startup');
    expect(startup).toMatchObject({ code: 200, instanceId: agent.instanceId, run: [], stop: [], test: [], file: [] });
    const status = await api.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ CloudAssistantStatus: string }> } }>('DescribeCloudAssistantStatus', { InstanceId: [agent.instanceId] });
    expect(status.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0]!.CloudAssistantStatus).toBe('true');
    // The quiet answers of §4.5–§4.7.
    expect((await agent.signed('POST', '/luban/api/v1/update/update_check', 'application/json; charset=utf-8', '{"os":"linux"}')).json()).toMatchObject({ need_update: 0 });
    expect((await agent.signed('POST', '/luban/api/instance/list_instance_state_configurations', 'application/json; charset=utf-8', '{}')).json()).toMatchObject({ errCode: 'ServiceNotSupported' });
    expect((await agent.signed('POST', '/luban/api/metrics', 'application/json; charset=utf-8', '{"eventId":"agent.startup"}')).status).toBe(200);
  });
});

describe('invocations through kicks, task/list and reports', () => {
  it('runs a task: kick, a strictly typed run entry, running reports with output, finish → Success with the whole output', async () => {
    const invokeId = await run('echo hello; echo done', { Timeout: 30, WorkingDir: '/tmp' });
    const entry = await fetchRun(invokeId);
    // §3.5: timeOut a string, invokeVersion a number, commandContent base64 of the script.
    expect(entry.task).toMatchObject({ type: 'RunShellScript', timeOut: '30', invokeVersion: 1, workingDirectory: '/tmp', enableParameter: false });
    expect(typeof entry.task.timeOut).toBe('string');
    expect(Buffer.from(String(entry.task.commandContent), 'base64').toString('utf8')).toBe('echo hello; echo done');
    expect(entry.repeat).toBe('Once');
    expect(entry.output).toMatchObject({ interval: 1000, logQuota: 24576, skipEmpty: true, sendStart: true });
    const start = Date.now();
    expect((await agent.report('running', q(entry, `start=${start}`))).status).toBe(200);
    const running = await untilStatus(invokeId, 'Running');
    expect(running.StartTime).not.toBe('');
    await agent.report('running', q(entry, `start=${start}`), 'hello\n');
    await agent.report('finish', q(entry, `start=${start}&end=${start + 210}&exitCode=0&dropped=0`), 'done\n');
    // Answered only once stored: the result is there at once.
    expect((await results(invokeId))[0]).toMatchObject({ InvocationStatus: 'Success', ErrorCode: '', ExitCode: 0, Output: 'hello\ndone\n', Dropped: 0 });
  });

  it('maps finish with a non-zero exit code, timeout, error and invalid to casim\'s statuses and ErrorCodes', async () => {
    const failed = await run('exit 3');
    const e1 = await fetchRun(failed);
    await agent.report('finish', q(e1, `start=${Date.now()}&end=${Date.now() + 200}&exitCode=3&dropped=0`), 'about to fail\n');
    expect((await results(failed))[0]).toMatchObject({ InvocationStatus: 'Failed', ErrorCode: 'ExitCodeNonzero', ExitCode: 3, Output: 'about to fail\n' });

    const slow = await run('sleep 20', { Timeout: 10 });
    const e2 = await fetchRun(slow);
    const start = Date.now();
    await agent.report('running', q(e2, `start=${start}`), 'sleeping\n');
    await agent.report('timeout', q(e2, `start=${start}&end=${start + 10003}&exitCode=1&dropped=0`));
    expect((await results(slow))[0]).toMatchObject({ InvocationStatus: 'Timeout', ErrorCode: 'ExecutionTimeout', ExitCode: 1, Output: 'sleeping\n' });

    const broken = await run('echo x');
    const e3 = await fetchRun(broken);
    await agent.report('error', q(e3, 'start=0&end=0&exitCode=0&dropped=0&errCode=-9&errDesc=ScriptFileExisted%3A+script+file+existed'));
    expect((await results(broken))[0]).toMatchObject({ InvocationStatus: 'Error', ErrorCode: 'ExecutionException' });

    const baddir = await run('pwd', { WorkingDir: '/no/such/dir' });
    const e4 = await fetchRun(baddir);
    await agent.report('invalid', q(e4, 'param=workingDirectory&value=WorkingDirectoryNotExist%3A+%3Cnil%3E'));
    expect((await results(baddir))[0]).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'DirectoryNotExists' });

    const nobody = await run('id', { Username: 'ghost' });
    const e5 = await fetchRun(nobody);
    await agent.report('invalid', q(e5, 'param=UsernameOrPasswordInvalid&value=UserInvalid_ghost%3A+unknown+user'));
    expect((await results(nobody))[0]).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'AccountNotExists' });
  });

  it('rebuilds Output from the running bodies and the tail of the final one, with the agent\'s Dropped (§3.6 probe)', async () => {
    const invokeId = await run('big');
    const entry = await fetchRun(invokeId);
    const start = Date.now();
    await agent.report('running', q(entry, `start=${start}`), 'A'.repeat(2048));
    await agent.report('running', q(entry, `start=${start}`), 'A'.repeat(2048));
    await agent.report('finish', q(entry, `start=${start}&end=${start + 2300}&exitCode=0&dropped=14437`), `${'B'.repeat(20468)}\nEND-MARKER\n`);
    const [result] = await results(invokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Dropped: 14437 });
    expect(result!.Output).toHaveLength(24576);
    expect(result!.Output.startsWith('A'.repeat(4096) + 'B')).toBe(true);
    expect(result!.Output.endsWith('\nEND-MARKER\n')).toBe(true);
  });

  it('stops a running task: kick_vm task stop, the entry in `stop`, stopped → Terminated; a late running is ignored', async () => {
    const invokeId = await run('while true; do echo tick; sleep 1; done', { Timeout: 600 });
    const entry = await fetchRun(invokeId);
    const start = Date.now();
    await agent.report('running', q(entry, `start=${start}`), 'tick 1\n');
    await untilStatus(invokeId, 'Running');
    await api.call('StopInvocation', { InvokeId: invokeId, InstanceId: [agent.instanceId] });
    const kick = await agent.nextKick(`kick_vm task stop ${entry.task.taskID}`);
    expect(kick).toBe(`kick_vm task stop ${entry.task.taskID}`);
    const answer = await agent.taskList('kickoff', entry.task.taskID);
    expect(answer.run).toEqual([]);
    expect(answer.stop).toHaveLength(1);
    expect(answer.stop![0]).toMatchObject({ task: { taskID: entry.task.taskID, invokeVersion: 1 }, repeat: 'Once' });
    await agent.report('running', q(entry, `start=${start}`), 'tick 2\n');
    await agent.report('stopped', q(entry, `start=${start}&end=${Date.now()}&exitcode=0&dropped=0&result=killed`));
    await agent.report('running', q(entry, `start=${start}`), 'tick 3\n');
    expect((await results(invokeId))[0]).toMatchObject({ InvocationStatus: 'Terminated', Output: 'tick 1\ntick 2\n' });
  });

  it('stops a task before it started: Cancelled, and the agent\'s zero `stopped` changes nothing', async () => {
    const { InvokeId } = await api.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'echo never', InstanceId: [agent.instanceId] });
    const kick = await agent.nextKick(`kick_vm task run ${InvokeId}.`);
    const taskId = kick.split(' ')[3]!;
    await api.call('StopInvocation', { InvokeId, InstanceId: [agent.instanceId] });
    await agent.nextKick(`kick_vm task stop ${taskId}`);
    const answer = await agent.taskList('kickoff', taskId);
    expect(answer.run).toEqual([]);
    expect(answer.stop).toHaveLength(1);
    await agent.report('stopped', `taskId=${taskId}&invokeVersion=1&start=0&end=0&exitcode=0&dropped=0&result=killed`);
    expect((await results(InvokeId))[0]).toMatchObject({ InvocationStatus: 'Cancelled' });
  });

  it('runs a dry run through `test` and `verified`', async () => {
    const invokeId = await run('echo dry', { RepeatMode: 'DryRun' });
    const entry = await fetchRun(invokeId, 'test');
    await agent.report('verified', q(entry, '').replace(/&$/, ''));
    expect((await results(invokeId))[0]).toMatchObject({ InvocationStatus: 'Success' });
  });

  it('hands out a periodic task run by run: each run its own kick and invokeVersion, each report its own execution', async () => {
    const invokeId = await run('echo tick', { Frequency: 'rate(1h)' });
    for (const n of [1, 2]) {
      const advanced = await fetch(`${server.url}/casim/admin/clock/advance?seconds=3600`, { method: 'POST' });
      expect(advanced.status).toBe(200);
      const entry = await fetchRun(invokeId);
      expect(entry.task.invokeVersion).toBe(n);
      expect(entry.repeat).toBe('Once');
      const start = Date.now();
      await agent.report('running', q(entry, `start=${start}`));
      await agent.report('finish', q(entry, `start=${start}&end=${start + 205}&exitCode=0&dropped=0`), `run ${n}\n`);
    }
    const history = await results(invokeId, { IncludeHistory: true });
    expect(history.map((r) => [r.InvocationStatus, r.Output]).sort()).toEqual([
      ['Success', 'run 1\n'],
      ['Success', 'run 2\n'],
    ]);
    await api.call('StopInvocation', { InvokeId: invokeId });
  });

  it('sends a file through `file` with the MD5 of the base64 text, and maps the sendfile reports', async () => {
    const { InvokeId } = await api.call<{ InvokeId: string }>('SendFile', { InstanceId: [agent.instanceId], Name: 'probe.txt', TargetDir: '/tmp/probe', Content: 'hello file\n', FileMode: '0640' });
    const kick = await agent.nextKick(`kick_vm file create ${InvokeId}.`);
    const fileId = kick.split(' ')[3]!;
    const answer = await agent.taskList('kickoff', fileId);
    expect(answer.file).toHaveLength(1);
    const task = answer.file![0]!.task as { taskID: string; content: string; signature: string; mode: string; destination: string; name: string; overwrite: boolean };
    expect(Buffer.from(task.content, 'base64').toString()).toBe('hello file\n');
    const { createHash } = await import('node:crypto');
    expect(task.signature).toBe(createHash('md5').update(task.content).digest('hex'));
    expect(task).toMatchObject({ name: 'probe.txt', destination: '/tmp/probe', mode: '0640', overwrite: false });
    await agent.report('finish', `taskId=${fileId}&status=Success&taskType=sendfile&errorcode=0`);
    const rows = await api.call<{ Invocations: { Invocation: Array<{ InvokeInstances: { InvokeInstance: Array<{ InvocationStatus: string }> } }> } }>('DescribeSendFileResults', { InvokeId });
    expect(rows.Invocations.Invocation[0]!.InvokeInstances.InvokeInstance[0]!.InvocationStatus).toBe('Success');
  });

  it('runs EveryReboot tasks when the agent starts with cold_start=true, handed out in that same start-up fetch', async () => {
    const invokeId = await run('echo booted', { RepeatMode: 'EveryReboot' });
    expect((await results(invokeId))[0]!.InvocationStatus).toBe('Scheduled');
    await agent.closeChannel();
    await agent.openChannel();
    await agent.heartbeat(0, true);
    const startup = await agent.taskList('startup', undefined, true);
    const entry = startup.run!.find((e) => e.task.taskID.startsWith(`${invokeId}.`));
    expect(entry).toBeDefined();
    const t = Date.now();
    await agent.report('finish', q(entry!, `start=${t}&end=${t + 200}&exitCode=0&dropped=0`), 'booted\n');
    const [row] = await results(invokeId);
    expect(row).toMatchObject({ InvocationStatus: 'Scheduled' });
    const history = await results(invokeId, { IncludeHistory: true });
    expect(history.map((r) => [r.InvocationStatus, r.Output])).toContainEqual(['Success', 'booted\n']);
    await api.call('StopInvocation', { InvokeId: invokeId });
  });

  it('hands pending work out in the start-up fetch after the channel was down, and reports a run the restarted agent lost as interrupted', async () => {
    const started = await run('sleep 100', { Timeout: 600 });
    const entry = await fetchRun(started);
    await agent.report('running', q(entry, `start=${Date.now()}`));
    await untilStatus(started, 'Running');
    await agent.closeChannel();
    const waiting = await run('echo later');
    // The agent restarts: new channel, first heartbeat, start-up fetch.
    await agent.openChannel();
    await agent.heartbeat(0, false);
    const startup = await agent.taskList('startup');
    expect(startup.run!.map((e) => e.task.taskID)).toEqual([expect.stringMatching(new RegExp(`^${waiting}\\.`))]);
    expect((await results(started))[0]).toMatchObject({ InvocationStatus: 'Error', ErrorCode: 'ExecutionInterrupted' });
    const later = startup.run![0]!;
    await agent.report('finish', q(later, `start=${Date.now()}&end=${Date.now() + 200}&exitCode=0&dropped=0`), 'later\n');
    expect((await results(waiting))[0]).toMatchObject({ InvocationStatus: 'Success', Output: 'later\n' });
  });
});

describe('every inbound request is hostile until checked', () => {
  it('refuses unsigned, wrongly signed, stale and replayed requests and upgrades with 401', async () => {
    const path = '/luban/api/heart-beat?uptime=1&timestamp=1&pid=1&process_uptime=1&index=1&seq_no=1';
    expect((await agent.raw('GET', path, {})).status).toBe(401);
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect((await agent.raw('GET', path, agent.signedHeaders({ key: other }))).status).toBe(401);
    expect((await agent.raw('GET', path, agent.signedHeaders({ timestamp: String(Date.now() - 3_600_000) }))).status).toBe(401);
    expect((await agent.raw('GET', path, agent.signedHeaders({ instanceId: 'mi-someoneelse' }))).status).toBe(401);
    const once = agent.signedHeaders();
    expect((await agent.raw('GET', path, once)).status).toBe(200);
    expect((await agent.raw('GET', path, once)).status).toBe(401);
    const stranger = new RealAgentClient({ serverHost: server.realAgent!.serverHost, ca: readFileSync(server.realAgent!.caCertPath, 'utf8') });
    await expect(stranger.openChannel({})).rejects.toThrow(/401/);
  });

  it('answers malformed queries, bodies and paths with 4xx and keeps serving', async () => {
    expect((await agent.report('finish', 'taskId=t-x&invokeVersion=1&start=1&end=2&exitCode=abc&dropped=0')).status).toBe(400);
    expect((await agent.report('finish', 'taskId=t-x&taskId=t-y&invokeVersion=1&start=1&end=2&exitCode=0&dropped=0')).status).toBe(400);
    expect((await agent.report('finish', 'taskId=has%20space&invokeVersion=1&start=1&end=2&exitCode=0&dropped=0')).status).toBe(400);
    expect((await agent.report('stopped', 'taskId=t-x&invokeVersion=1&start=1&end=2&exitcode=0&dropped=0&result=maybe')).status).toBe(400);
    expect((await agent.report('explode', 'taskId=t-x&invokeVersion=1')).status).toBe(404);
    expect((await agent.signed('POST', '/luban/api/v1/task/list?reason=whatever', 'application/json')).status).toBe(400);
    expect((await agent.report('running', 'taskId=t-x&invokeVersion=1&start=1', Buffer.alloc(200_000, 65))).status).toBe(413);
    // A report on a task that is not this instance's: stored nowhere, answered.
    expect((await agent.report('finish', 'taskId=t-other.mi-other&invokeVersion=1&start=1&end=2&exitCode=0&dropped=0')).status).toBe(200);
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect((await agent.raw('POST', '/luban/api/instance/register', json, '{not json')).status).toBe(400);
    expect((await agent.raw('POST', '/luban/api/instance/register', json, '{"activationCode":1}')).status).toBe(400);
    expect((await agent.raw('POST', '/luban/api/instance/register', json, JSON.stringify({ activationCode: 'c', activationId: 'a', machineId: 'm', publicKey: 'bm90IGEga2V5' }))).status).toBe(400);
    expect((await agent.raw('POST', '/luban/api/instance/register', json, 'x'.repeat(100_000))).status).toBe(413);
    // Still serving.
    expect((await agent.heartbeat(1)).status).toBe(200);
  });

  it('answers a few hundred random signed requests to every endpoint with a status below 500', async () => {
    let seed = 42;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = <T,>(items: readonly T[]): T => items[rand(items.length)]!;
    const paths = ['/luban/api/v1/task/list', '/luban/api/v1/task/running', '/luban/api/v1/task/finish', '/luban/api/v1/task/stopped', '/luban/api/v1/task/error',
      '/luban/api/v1/task/invalid', '/luban/api/v1/task/verified', '/luban/api/heart-beat', '/luban/api/instance/register', '/luban/api/metrics', '/luban/nope'];
    const keys = ['taskId', 'invokeVersion', 'start', 'end', 'exitCode', 'exitcode', 'dropped', 'result', 'reason', 'taskType', 'status', 'errorcode', 'param', 'value', 'index'];
    const vals = ['', '0', '-1', '1796107611616', '99999999999999999999', 'killed', 'startup', 'sendfile', 'Success', '%00', 'a b', 't-x.mi-y', '{"a":1}', 'NaN'];
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const query = Array.from({ length: rand(6) }, () => `${pick(keys)}=${encodeURIComponent(pick(vals))}`).join('&');
      const body = pick(['', '{}', '{"activationCode":[]}', 'x'.repeat(rand(3000)), '\u0000\uffff']);
      statuses.push((await agent.signed(pick(['GET', 'POST', 'PUT']), `${pick(paths)}?${query}`, 'text/plain', body)).status);
    }
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect((await agent.heartbeat(2)).status).toBe(200);
  });
});

describe('deregistration', () => {
  it('DeregisterManagedInstance closes the kick channel and every later signed request is refused', async () => {
    const other = new RealAgentClient({ serverHost: server.realAgent!.serverHost, ca: readFileSync(server.realAgent!.caCertPath, 'utf8') });
    const { ActivationId, ActivationCode } = await api.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
    expect((await other.register(ActivationId, ActivationCode, 'leaving')).status).toBe(200);
    const socket = await other.openChannel();
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await api.call('DeregisterManagedInstance', { InstanceId: other.instanceId });
    expect(await closed).toBe(1000);
    expect((await other.heartbeat(0)).status).toBe(401);
    await expect(other.openChannel()).rejects.toThrow(/401/);
  });

  it('the agent\'s own --deregister (signed instance/deregister) removes the instance', async () => {
    const leaving = new RealAgentClient({ serverHost: server.realAgent!.serverHost, ca: readFileSync(server.realAgent!.caCertPath, 'utf8') });
    const { ActivationId, ActivationCode } = await api.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
    await leaving.register(ActivationId, ActivationCode, 'bye');
    const answer = await leaving.signed('POST', '/luban/api/instance/deregister', 'application/json; charset=utf-8');
    expect(answer.json()).toEqual({ code: 200 });
    const managed = await api.call<{ Instances: unknown[] }>('DescribeManagedInstances', { InstanceId: [leaving.instanceId] });
    expect(managed.Instances).toEqual([]);
    expect((await leaving.heartbeat(0)).status).toBe(401);
  });
});
