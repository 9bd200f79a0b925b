/**
 * Issue 9 §1: the default @alicloud/ecs20140526 client puts every parameter in the URL. Calls at
 * the content limits must reach casim and get its answer; one byte over each gets the real
 * content-size error; a request past the request-size limit gets a logged Alibaba error
 * envelope, not a closed connection ("Unexpected end of JSON input").
 */
import * as ecsModule from '@alicloud/ecs20140526';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.js';
import { API_ERRORS } from '../../controlplane/api/errors.js';
import { MAX_REQUEST_HEAD_BYTES } from '../../controlplane/api/request-limits.js';
import { RUN_ONLY_CONTENT_LIMIT, SAVED_CONTENT_LIMIT } from '../../controlplane/api/handlers/content.js';
import { startServer } from '../../controlplane/server.js';
import { removeDir, startLocalAgent, TEST_KEY, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';
import { ecsClient, type EcsClient } from '../support/sdk-clients.js';

/** Every line the control plane logs, to check that refused requests are logged. */
const logLines: string[] = [];
const captureLogger = winston.createLogger({
  level: 'info',
  format: winston.format.printf(({ level, message }) => `${level} ${String(message)}`),
  transports: [new winston.transports.Stream({ stream: new Writable({ write(chunk: Buffer, _enc, done) { logLines.push(chunk.toString()); done(); } }) })],
});

let test: TestServer;
let local: LocalAgent;
let ecs: EcsClient;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'casim-long-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], logger: captureLogger });
  const client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
  test = { server, client, dataDir, close: () => server.close() };
  local = await startLocalAgent(test, 'long-requests');
  ecs = ecsClient(server.port);
});

afterAll(async () => {
  local?.agent.stop();
  await test?.close();
  if (test) removeDir(test.dataDir);
  if (local) removeDir(local.stateDir);
});

/** A shell script of exactly `bytes` bytes that prints `marker`: an echo, then a comment as padding. */
function scriptOf(bytes: number, marker: string): string {
  const head = `echo ${marker}\n#`;
  return head + 'x'.repeat(bytes - head.length);
}

/** The bytes whose Base64 is exactly `base64Chars` long (a multiple of 4). */
const rawBytesFor = (base64Chars: number): number => (base64Chars / 4) * 3;

interface SdkError { code?: string; statusCode?: number; message?: string; data?: Record<string, unknown> }
const failure = (promise: Promise<unknown>): Promise<SdkError | undefined> => promise.then(() => undefined, (e: unknown) => e as SdkError);

describe('CreateCommand at the 18 KB limit for saved content, through the SDK (parameters in the URL)', () => {
  it('accepts a 13.5 KB script whose Base64 is exactly 18 KB (URL over 16 KB)', async () => {
    const script = scriptOf(rawBytesFor(SAVED_CONTENT_LIMIT), 'saved');
    const content = Buffer.from(script).toString('base64');
    expect(content.length).toBe(SAVED_CONTENT_LIMIT);
    const created = await ecs.createCommand(new ecsModule.CreateCommandRequest({ regionId: 'cn-hangzhou', name: 'at-limit', type: 'RunShellScript', commandContent: content }));
    expect(created.statusCode).toBe(200);
    expect(created.body?.commandId).toMatch(/^c-/);
    const listed = await ecs.describeCommands(new ecsModule.DescribeCommandsRequest({ regionId: 'cn-hangzhou', commandId: created.body?.commandId }));
    expect(listed.body?.commands?.command?.[0]?.commandContent).toBe(content);
  });

  it('accepts the 13 KB script of the issue (Base64 about 17.3 KB)', async () => {
    const content = Buffer.from(scriptOf(13 * 1024, 'issue')).toString('base64');
    const created = await ecs.createCommand(new ecsModule.CreateCommandRequest({ regionId: 'cn-hangzhou', name: 'issue-9', type: 'RunShellScript', commandContent: content }));
    expect(created.body?.commandId).toMatch(/^c-/);
  });

  it('refuses one byte more with 403 CmdContent.ExceedLimit', async () => {
    const content = Buffer.from(scriptOf(rawBytesFor(SAVED_CONTENT_LIMIT) + 1, 'over')).toString('base64');
    const error = await failure(ecs.createCommand(new ecsModule.CreateCommandRequest({ regionId: 'cn-hangzhou', name: 'over', type: 'RunShellScript', commandContent: content })));
    expect({ code: error?.code, statusCode: error?.statusCode }).toEqual({ code: 'CmdContent.ExceedLimit', statusCode: 403 });
    expect(error?.data?.Message).toBe(API_ERRORS['CmdContent.ExceedLimit'][1]);
  });
});

describe('RunCommand at the 24 KB limit (KeepCommand=false), through the SDK', () => {
  it('runs an 18 KB plain-text script whose Base64 is exactly 24 KB', async () => {
    const script = scriptOf(rawBytesFor(RUN_ONLY_CONTENT_LIMIT), 'run-at-limit');
    const ran = await ecs.runCommand(new ecsModule.RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: script, instanceId: [local.instanceId] }));
    expect(ran.statusCode).toBe(200);
    const [result] = await waitForResults(test.client, ran.body?.invokeId ?? '');
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'run-at-limit\n' });
  });

  it('refuses one byte more with 403 CmdContent.ExceedLimit', async () => {
    const script = scriptOf(rawBytesFor(RUN_ONLY_CONTENT_LIMIT) + 1, 'over');
    const error = await failure(ecs.runCommand(new ecsModule.RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: script, instanceId: [local.instanceId] })));
    expect({ code: error?.code, statusCode: error?.statusCode }).toEqual({ code: 'CmdContent.ExceedLimit', statusCode: 403 });
  });

  it('accepts the largest URL a valid call can make: 24 KB after substitution, 10 parameters of control bytes (8 URL characters per byte)', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`.padEnd(64, 'x'));
    const template = names.map((n) => `{{${n}}}`).join('');
    const budget = rawBytesFor(RUN_ONLY_CONTENT_LIMIT); // bytes of the script after substitution
    const each = Math.floor(budget / names.length);
    const parameters = Object.fromEntries(names.map((n) => [n, '\u0001'.repeat(each)]));
    const request = new ecsModule.RunCommandRequest({
      regionId: 'cn-hangzhou',
      type: 'RunShellScript',
      commandContent: template,
      enableParameter: true,
      parameters,
      name: '名'.repeat(128),
      description: '述'.repeat(512),
      instanceId: [local.instanceId],
      timeout: 60,
    });
    const encodedLength = encodeURIComponent(JSON.stringify(parameters)).length + encodeURIComponent(request.description ?? '').length;
    expect(encodedLength).toBeGreaterThan(140_000);
    expect(encodedLength).toBeLessThan(MAX_REQUEST_HEAD_BYTES / 4);
    const ran = await ecs.runCommand(request);
    expect(ran.statusCode).toBe(200);
    expect(ran.body?.invokeId).toMatch(/^t-/);
  });
});

describe('past the request-size limit', () => {
  it('answers 414 Request.TooLarge in the Alibaba envelope (JSON, as the SDK asks), and logs it', async () => {
    const script = 'x'.repeat(MAX_REQUEST_HEAD_BYTES + 1);
    const error = await failure(ecs.runCommand(new ecsModule.RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: script, instanceId: [local.instanceId] })));
    expect({ code: error?.code, statusCode: error?.statusCode }).toEqual({ code: 'Request.TooLarge', statusCode: 414 });
    const message = API_ERRORS['Request.TooLarge'][1].replace('{detail}', String(MAX_REQUEST_HEAD_BYTES));
    expect(error?.data).toMatchObject({ Code: 'Request.TooLarge', Message: message, HostId: 'ecs.aliyuncs.com' });
    expect(String(error?.data?.RequestId)).toMatch(/^[0-9A-F-]{36}$/);
    expect(logLines.some((line) => line.includes(`414 Request.TooLarge`) && line.includes(String(error?.data?.RequestId)))).toBe(true);
  });

  it('answers in XML when the part of the request read where it passed the limit asks for it (Format=XML)', async () => {
    const response = await fetch(`${test.server.url}/?Padding=${'x'.repeat(MAX_REQUEST_HEAD_BYTES)}&Format=XML`, { method: 'POST' });
    expect(response.status).toBe(414);
    expect(response.headers.get('content-type')).toBe('text/xml;charset=utf-8');
    const text = await response.text();
    expect(text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?><Error><RequestId>[0-9A-F-]{36}<\/RequestId><HostId>ecs\.aliyuncs\.com<\/HostId><Code>Request\.TooLarge<\/Code>/);
  });

  it('keeps serving after a refused request', async () => {
    const regions = await ecs.describeRegions(new ecsModule.DescribeRegionsRequest({}));
    expect(regions.statusCode).toBe(200);
  });
});
