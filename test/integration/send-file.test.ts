import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { ApiCallError, type Params } from '../../cli/api-client.js';
import { AdjustableClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, startLocalAgent, startTestServer, waitFor, type LocalAgent, type TestServer } from '../support/harness.js';

interface InvokeInstance {
  InstanceId: string;
  InvocationStatus: string;
  CreationTime: string;
  StartTime: string;
  FinishTime: string;
  UpdateTime: string;
  ErrorCode: string;
  ErrorInfo: string;
}
interface FileInvocation {
  InvokeId: string;
  Name: string;
  Description: string;
  Content: string;
  ContentType: string;
  FileOwner: string;
  FileGroup: string;
  FileMode: string;
  TargetDir: string;
  Overwrite: string;
  CreationTime: string;
  VmCount: number;
  InvocationStatus: string;
  Tags: { Tag: Array<{ TagKey: string; TagValue: string }> };
  InvokeInstances: { InvokeInstance: InvokeInstance[] };
}
interface ResultsBody {
  TotalCount?: number;
  PageNumber: number;
  PageSize: number;
  NextToken: string;
  Invocations: { Invocation: FileInvocation[] };
}

const FINAL = new Set(['Success', 'Failed', 'Invalid', 'Aborted', 'Error', 'Timeout']);
const clock = new AdjustableClock();
let test: TestServer;
let a: LocalAgent;
let b: LocalAgent;
let root: string;

beforeAll(async () => {
  test = await startTestServer({ clock });
  // Both in rg-files: a SendFile with ResourceGroupId targets only the group's members.
  a = await startLocalAgent(test, 'files-a', { ResourceGroupId: 'rg-files' });
  b = await startLocalAgent(test, 'files-b', { ResourceGroupId: 'rg-files' });
  root = mkdtempSync(join(tmpdir(), 'casim-sendfile-'));
});

afterAll(async () => {
  a?.agent.stop();
  b?.agent.stop();
  await test?.close();
  for (const dir of [test?.dataDir, a?.stateDir, b?.stateDir, root]) if (dir) removeDir(dir);
});

async function send(params: Params): Promise<string> {
  const { InvokeId } = await test.client.call<{ InvokeId: string }>('SendFile', params);
  return InvokeId;
}

async function describeFiles(params: Params = {}): Promise<ResultsBody> {
  return test.client.call<ResultsBody>('DescribeSendFileResults', params);
}

/** Polls until every instance of the SendFile has a final status. */
async function finished(invokeId: string): Promise<FileInvocation> {
  return waitFor(async () => {
    const [invocation] = (await describeFiles({ InvokeId: invokeId })).Invocations.Invocation;
    const rows = invocation?.InvokeInstances.InvokeInstance ?? [];
    return rows.length > 0 && rows.every((r) => FINAL.has(r.InvocationStatus)) ? invocation : undefined;
  }, 20_000, `results of ${invokeId}`);
}

const modeOf = (path: string): number => statSync(path).mode & 0o7777;

describe('SendFile writes real files', () => {
  it('writes PlainText content into a TargetDir it creates, as root:root 0644 by default', async () => {
    const dir = join(root, 'plain', 'nested', 'deeper');
    const invokeId = await send({ InstanceId: [a.instanceId], Name: 'hello.txt', TargetDir: dir, Content: 'héllo\nworld\n' });
    expect(invokeId).toMatch(/^f-hz[0-9a-z]{14}$/);
    const invocation = await finished(invokeId);
    expect(invocation.InvocationStatus).toBe('Success');
    const [row] = invocation.InvokeInstances.InvokeInstance;
    expect(row).toMatchObject({ InstanceId: a.instanceId, InvocationStatus: 'Success', ErrorCode: '', ErrorInfo: '' });
    const path = join(dir, 'hello.txt');
    expect(readFileSync(path)).toEqual(Buffer.from('héllo\nworld\n', 'utf8'));
    expect(modeOf(path)).toBe(0o644);
    expect(statSync(path)).toMatchObject({ uid: 0, gid: 0 });
    // Only the file: the temporary file is gone.
    expect(readdirSync(dir)).toEqual(['hello.txt']);
  });

  it('writes Base64 content byte for byte, with FileMode and FileOwner/FileGroup', async () => {
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const dir = join(root, 'binary');
    const invokeId = await send({
      InstanceId: [a.instanceId],
      Name: 'blob.bin',
      TargetDir: dir,
      Content: bytes.toString('base64'),
      ContentType: 'Base64',
      FileMode: '0750',
      FileOwner: 'nobody',
      FileGroup: 'nogroup',
    });
    expect((await finished(invokeId)).InvocationStatus).toBe('Success');
    const path = join(dir, 'blob.bin');
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(modeOf(path)).toBe(0o750);
    expect(statSync(path)).toMatchObject({ uid: 65534, gid: 65534 });
  });

  it('refuses to replace an existing file without Overwrite (FileAlreadyExists) and replaces it with Overwrite', async () => {
    const dir = join(root, 'existing');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'conf'), 'old');
    const refused = await finished(await send({ InstanceId: [a.instanceId], Name: 'conf', TargetDir: dir, Content: 'new' }));
    expect(refused.InvocationStatus).toBe('Failed');
    expect(refused.InvokeInstances.InvokeInstance[0]).toMatchObject({ InvocationStatus: 'Failed', ErrorCode: 'FileAlreadyExists', ErrorInfo: 'File already exists' });
    expect(readFileSync(join(dir, 'conf'), 'utf8')).toBe('old');

    const replaced = await finished(await send({ InstanceId: [a.instanceId], Name: 'conf', TargetDir: dir, Content: 'new', Overwrite: true }));
    expect(replaced.InvocationStatus).toBe('Success');
    expect(replaced.Overwrite).toBe('true');
    expect(readFileSync(join(dir, 'conf'), 'utf8')).toBe('new');
  });

  it.each([
    ['an unknown owner', { FileOwner: 'no-such-user-casim' }, 'Invalid', 'UserGroupNotExists', 'Owner not exists'],
    ['an unknown group', { FileGroup: 'no-such-group-casim' }, 'Invalid', 'UserGroupNotExists', 'Group not exists'],
    ['a Name with a slash', { Name: 'sub/evil' }, 'Invalid', 'FileNameInvalid', 'File name is invalid'],
    ['the Name ..', { Name: '..' }, 'Invalid', 'FileNameInvalid', 'File name is invalid'],
  ])('reports %s per instance', async (_what, change, status, errorCode, errorInfo) => {
    const dir = join(root, 'refused');
    const invocation = await finished(await send({ InstanceId: [a.instanceId], Name: 'x.txt', TargetDir: dir, Content: 'x', ...change }));
    expect(invocation.InvocationStatus).toBe('Failed');
    expect(invocation.InvokeInstances.InvokeInstance[0]).toMatchObject({ InvocationStatus: status, ErrorCode: errorCode, ErrorInfo: errorInfo });
  });

  it('reports a TargetDir blocked by a file as FilePathInvalid', async () => {
    writeFileSync(join(root, 'blocker'), '');
    const invocation = await finished(await send({ InstanceId: [a.instanceId], Name: 'x', TargetDir: join(root, 'blocker', 'sub'), Content: 'x' }));
    expect(invocation.InvokeInstances.InvokeInstance[0]).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'FilePathInvalid' });
  });

  it('lets exactly one of two instances create the same path without Overwrite (PartialFailed)', async () => {
    const dir = join(root, 'race');
    const invocation = await finished(await send({ InstanceId: [a.instanceId, b.instanceId], Name: 'once', TargetDir: dir, Content: 'x' }));
    expect(invocation.VmCount).toBe(2);
    expect(invocation.InvocationStatus).toBe('PartialFailed');
    const statuses = invocation.InvokeInstances.InvokeInstance.map((r) => `${r.InvocationStatus}/${r.ErrorCode}`).sort();
    expect(statuses).toEqual(['Failed/FileAlreadyExists', 'Success/']);
  });

  it('never writes a file twice when it is pushed again', async () => {
    const dir = join(root, 'twice');
    const invokeId = await send({ InstanceId: [a.instanceId], Name: 'f', TargetDir: dir, Content: 'first', Overwrite: true });
    await finished(invokeId);
    writeFileSync(join(dir, 'f'), 'changed locally');
    const file = {
      fileId: `${invokeId}.${a.instanceId}`,
      invokeId,
      name: 'f',
      targetDir: dir,
      content: Buffer.from('first').toString('base64'),
      owner: 'root',
      group: 'root',
      mode: '0644',
      overwrite: true,
      timeoutSeconds: 60,
    };
    expect(test.server.sessions.send(a.instanceId, { type: 'file', file })).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('changed locally');
  });
});

describe('DescribeSendFileResults', () => {
  let invokeId: string;

  beforeAll(async () => {
    invokeId = await send({
      InstanceId: [a.instanceId, b.instanceId],
      Name: 'described.txt',
      TargetDir: join(root, 'described'),
      Content: 'ZGF0YQ==',
      ContentType: 'base64',
      Description: 'a described file',
      Overwrite: true,
      Timeout: 5,
      ResourceGroupId: 'rg-files',
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'ops',
    });
    await finished(invokeId);
  });

  it('returns the documented shape', async () => {
    const body = await describeFiles({ InvokeId: invokeId });
    expect(body).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 10, NextToken: '' });
    const [invocation] = body.Invocations.Invocation;
    expect(invocation).toEqual({
      InvokeId: invokeId,
      Name: 'described.txt',
      Description: 'a described file',
      Content: 'ZGF0YQ==',
      ContentType: 'Base64',
      FileOwner: 'root',
      FileGroup: 'root',
      FileMode: '0644',
      TargetDir: join(root, 'described'),
      Overwrite: 'true',
      CreationTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      VmCount: 2,
      InvocationStatus: 'Success',
      Tags: { Tag: [{ TagKey: 'team', TagValue: 'ops' }] },
      InvokeInstances: { InvokeInstance: expect.any(Array) },
    });
    const rows = invocation!.InvokeInstances.InvokeInstance;
    expect(rows.map((r) => r.InstanceId)).toEqual([a.instanceId, b.instanceId]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['CreationTime', 'ErrorCode', 'ErrorInfo', 'FinishTime', 'InstanceId', 'InvocationStatus', 'StartTime', 'UpdateTime']);
      expect(row.InvocationStatus).toBe('Success');
      expect(row.StartTime).toMatch(/Z$/);
      expect(row.FinishTime).toMatch(/Z$/);
    }
  });

  it('filters by InstanceId, Name, InvocationStatus, ResourceGroupId and Tag', async () => {
    const ids = async (params: Params): Promise<string[]> => (await describeFiles(params)).Invocations.Invocation.map((i) => i.InvokeId);
    const byInstance = await describeFiles({ InvokeId: invokeId, InstanceId: b.instanceId });
    expect(byInstance.Invocations.Invocation[0]!.InvokeInstances.InvokeInstance.map((r) => r.InstanceId)).toEqual([b.instanceId]);
    expect(await ids({ Name: 'described.txt' })).toEqual([invokeId]);
    expect(await ids({ Name: 'no-such-name' })).toEqual([]);
    expect(await ids({ ResourceGroupId: 'rg-files' })).toEqual([invokeId]);
    expect(await ids({ 'Tag.1.Key': 'team', 'Tag.1.Value': 'ops' })).toEqual([invokeId]);
    expect(await ids({ 'Tag.1.Key': 'team', 'Tag.1.Value': 'dev' })).toEqual([]);
    expect(await ids({ InvokeId: invokeId, InvocationStatus: 'Success' })).toEqual([invokeId]);
    expect(await ids({ InvokeId: invokeId, InvocationStatus: 'Failed' })).toEqual([]);
    expect(await ids({ InvokeId: 'f-unknown' })).toEqual([]);
    const failed = (await describeFiles({ InvocationStatus: 'Failed' })).Invocations.Invocation;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((i) => i.InvocationStatus === 'Failed')).toBe(true);
    const onB = (await describeFiles({ InstanceId: b.instanceId, MaxResults: 50 })).Invocations.Invocation;
    expect(onB.every((i) => i.InvokeInstances.InvokeInstance.every((r) => r.InstanceId === b.instanceId))).toBe(true);
  });

  it('pages newest first with PageNumber/PageSize and with MaxResults/NextToken', async () => {
    const all = await describeFiles({ PageSize: 50 });
    const total = all.TotalCount ?? 0;
    expect(total).toBeGreaterThan(3);
    expect(all.Invocations.Invocation[0]!.InvokeId).toBe(invokeId);
    const second = await describeFiles({ PageSize: 2, PageNumber: 2 });
    expect(second).toMatchObject({ TotalCount: total, PageNumber: 2, PageSize: 2 });
    expect(second.Invocations.Invocation.map((i) => i.InvokeId)).toEqual(all.Invocations.Invocation.slice(2, 4).map((i) => i.InvokeId));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await describeFiles({ MaxResults: 3, NextToken: token });
      expect(page.TotalCount).toBeUndefined();
      seen.push(...page.Invocations.Invocation.map((i) => i.InvokeId));
      token = page.NextToken || undefined;
    } while (token);
    expect(seen).toEqual(all.Invocations.Invocation.map((i) => i.InvokeId));
  });

  it('returns the same InvokeId for a repeated ClientToken', async () => {
    const params = { InstanceId: [a.instanceId], Name: 'idem', TargetDir: join(root, 'idem'), Content: 'x', ClientToken: 'send-file-token-1' };
    const first = await send(params);
    expect(await send(params)).toBe(first);
    expect((await describeFiles({ Name: 'idem' })).Invocations.Invocation).toHaveLength(1);
  });
});

describe('delivery', () => {
  it('keeps a file Pending while the agent is away and delivers it when the agent reconnects', async () => {
    b.agent.stop();
    await waitFor(() => (test.server.sessions.isConnected(b.instanceId) ? undefined : true), 10_000, 'disconnect');
    const dir = join(root, 'later');
    const invokeId = await send({ InstanceId: [b.instanceId], Name: 'late.txt', TargetDir: dir, Content: 'late' });
    const pending = (await describeFiles({ InvokeId: invokeId })).Invocations.Invocation[0]!;
    expect(pending.InvocationStatus).toBe('Pending');
    expect(pending.InvokeInstances.InvokeInstance[0]).toMatchObject({ InvocationStatus: 'Pending', StartTime: '', FinishTime: '' });

    const again = new Agent({ server: test.server.url, stateDir: b.stateDir, logger: createLogger('test-agent') });
    b = { ...b, agent: again };
    again.start();
    expect((await finished(invokeId)).InvocationStatus).toBe('Success');
    expect(readFileSync(join(dir, 'late.txt'), 'utf8')).toBe('late');
  });

  it('aborts a file not delivered within a minute with ClientNotRunning', async () => {
    b.agent.stop();
    await waitFor(() => (test.server.sessions.isConnected(b.instanceId) ? undefined : true), 10_000, 'disconnect');
    const invokeId = await send({ InstanceId: [b.instanceId], Name: 'never.txt', TargetDir: join(root, 'never'), Content: 'x' });
    clock.advance(61_000);
    const invocation = await finished(invokeId);
    expect(invocation.InvocationStatus).toBe('Failed');
    expect(invocation.InvokeInstances.InvokeInstance[0]).toMatchObject({
      InvocationStatus: 'Aborted',
      ErrorCode: 'ClientNotRunning',
      ErrorInfo: 'the aliyun service is not running on the instance',
    });
  });
});

describe('SendFile API errors', () => {
  const ok = (): Params => ({ InstanceId: [a.instanceId], Name: 'e.txt', TargetDir: join(root, 'errors'), Content: 'x' });
  const cases: Array<[string, number, string, string, () => Params]> = [
    ['without instances', 400, 'MissingParam.InstanceId', 'The parameter instanceId is missing or empty.', () => ({ ...ok(), InstanceId: undefined })],
    ['on 51 instances', 403, 'InstanceIds.ExceedLimit', 'The number of instance IDs exceeds the upper limit.', () => ({ ...ok(), InstanceId: Array.from({ length: 51 }, (_, i) => `i-${i}`) })],
    ['on an unknown instance', 404, 'InvalidInstance.NotFound', 'The specified instances not found.', () => ({ ...ok(), InstanceId: ['i-doesnotexist'] })],
    ['without Name', 400, 'MissingParameter.Name', 'The input parameter “Name” that is mandatory for processing this request is not supplied.', () => ({ ...ok(), Name: undefined })],
    ['with a 256-character Name', 403, 'FileName.ExceedLimit', 'The length of file name exceeds limit.', () => ({ ...ok(), Name: 'n'.repeat(256) })],
    ['with a relative TargetDir', 400, 'FileTargetDir.Invalid', 'The target directory of file is invalid.', () => ({ ...ok(), TargetDir: 'relative/dir' })],
    ['with a 256-character TargetDir', 400, 'FileTargetDir.Invalid', 'The target directory of file is invalid.', () => ({ ...ok(), TargetDir: '/' + 'd'.repeat(255) })],
    ['with content over 32 KB after Base64', 403, 'FileSize.ExceedLimit', 'The length of file content exceeds limit.', () => ({ ...ok(), Content: 'x'.repeat(24_577) })],
    ['with content that is not Base64', 400, 'FileContent.DecodeError', 'The Content can not be base64 decoded.', () => ({ ...ok(), ContentType: 'Base64', Content: 'not base64!' })],
    ['with an unknown ContentType', 400, 'FileContentType.Invalid', 'The ContentType of file is invalid.', () => ({ ...ok(), ContentType: 'Binary' })],
    ['with a 513-character Description', 403, 'FileDesc.ExceedLimit', 'The length of file description exceeds limit.', () => ({ ...ok(), Description: 'd'.repeat(513) })],
    ['with a 65-character FileOwner', 400, 'InvalidParameter.FileOwner', 'The specified parameter FileOwner is not valid.', () => ({ ...ok(), FileOwner: 'o'.repeat(65) })],
    ['with a 65-character FileGroup', 400, 'InvalidParameter.FileGroup', 'The specified parameter FileGroup is not valid.', () => ({ ...ok(), FileGroup: 'g'.repeat(65) })],
    ['with FileMode rwx', 400, 'FileMode.Invalid', 'The mode of file is invalid.', () => ({ ...ok(), FileMode: 'rwx' })],
    ['with Timeout above the bound', 403, 'InvalidTimeout.ExceedLimit', 'The specified parameter Timeout exceeds the upper limit.', () => ({ ...ok(), Timeout: 86_401 })],
    ['with 21 tags', 400, 'NumberExceed.Tags', 'The Tags parameter number is exceed.', () => ({ ...ok(), ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`Tag.${i + 1}.Key`, `k${i}`])) })],
    ['with an unknown region', 404, 'InvalidRegionId.NotFound', 'The RegionId provided does not exist in our records.', () => ({ ...ok(), RegionId: 'mars-1' })],
  ];

  it.each(cases)('SendFile %s gives %i %s', async (_what, status, code, message, params) => {
    const before = test.server.store.fileInvocations.all().length;
    const error = await test.client.call('SendFile', params()).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiCallError);
    const apiError = error as ApiCallError;
    expect({ status: apiError.status, code: apiError.code }).toEqual({ status, code });
    expect(apiError.message).toContain(message);
    // A refused call stores nothing.
    expect(test.server.store.fileInvocations.all().length).toBe(before);
  });

  it.each([
    ['PageSize 51', { PageSize: 51 }, 400, 'InvalidParam.PageSize'],
    ['MaxResults 51', { MaxResults: 51 }, 400, 'InvalidParameter.MaxResults'],
    ['a bad NextToken', { NextToken: '!!' }, 400, 'InvalidParameter.NextToken'],
    ['a duplicate tag key', { 'Tag.1.Key': 'a', 'Tag.2.Key': 'a' }, 400, 'Duplicate.TagKey'],
  ] as Array<[string, Params, number, string]>)('DescribeSendFileResults with %s gives %i %s', async (_what, params, status, code) => {
    const error = (await describeFiles(params).catch((caught: unknown) => caught)) as ApiCallError;
    expect(error).toBeInstanceOf(ApiCallError);
    expect({ status: error.status, code: error.code }).toEqual({ status, code });
  });
});
