import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.js';
import { startServer, type RunningServer } from '../../controlplane/server.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, TEST_KEY } from '../support/harness.js';
import { signedForm } from '../support/signed-form.js';

let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'casim-unserved-'));
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], logger: createLogger('test-unserved') });
});
afterAll(async () => {
  await server?.close();
  if (dataDir) removeDir(dataDir);
});

/** Sends `head` on a fresh connection and reads everything until the server closes it. */
function exchange(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function answerOf(raw: string): { status: number; contentType: string; body: string } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), contentType: /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '', body };
}

describe('requests the API does not serve on its connection get the error envelope, not a silent close', () => {
  it.each([
    ['an h2c upgrade (curl --http2)', 'GET /?Action=DescribeCommands&Format=JSON HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n'],
    ['a WebSocket upgrade outside /agent', 'GET /?Format=JSON HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'],
    ['a CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\naccept: application/json\r\n\r\n'],
  ])('%s: 400 InvalidParameter in JSON', async (_name, head) => {
    const answer = answerOf(await exchange(head));
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({ Code: 'InvalidParameter', RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/), HostId: expect.any(String) });
  });

  it('answers in XML when the request asks for it, and the API goes on serving', async () => {
    const answer = answerOf(await exchange('GET /?Format=XML HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'));
    expect([answer.status, answer.contentType]).toEqual([400, 'text/xml;charset=utf-8']);
    expect(answer.body).toMatch(/<Code>InvalidParameter<\/Code>/);
    const client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
    await expect(client.call('DescribeCommands', {})).resolves.toMatchObject({ TotalCount: 0 });
  });
});

describe('a malformed request pipelined behind a valid one', () => {
  it('is answered after the valid call\'s own answer, in order', async () => {
    const body = signedForm('CreateCommand', { Name: 'pipelined', Type: 'RunShellScript', CommandContent: Buffer.from('echo').toString('base64') });
    const valid = `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const raw = await exchange(`${valid}GARBAGE\r\n\r\n`);
    expect(raw.match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    const created = JSON.parse(/\r\n\r\n(\{[^\r]*?\})HTTP\/1\.1/.exec(raw)?.[1] ?? '{}') as { CommandId?: string };
    const client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
    const listed = await client.call<{ Commands: { Command: Array<{ CommandId: string }> } }>('DescribeCommands', { Name: 'pipelined' });
    expect(listed.Commands.Command.map((c) => c.CommandId)).toEqual([created.CommandId]);
  });
});
