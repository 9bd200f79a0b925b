import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import winston from 'winston';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ADVANCE_SECONDS } from '../../controlplane/admin/advance-range.js';
import { API_ERRORS } from '../../controlplane/api/errors.js';
import { startServer } from '../../controlplane/server.js';
import { removeDir, TEST_KEY, waitFor } from '../support/harness.js';
import { killServerProcesses, startedServer } from '../support/server-process.js';

const dirs: string[] = [];
afterAll(() => {
  killServerProcesses();
  for (const dir of dirs) removeDir(dir);
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

interface AdminAnswer {
  status: number;
  body: { Code?: string; Message?: string; Now?: string; RequestId?: string; HostId?: string; Recommend?: string };
}

async function advance(url: string, seconds: string): Promise<AdminAnswer> {
  const response = await fetch(`${url}/casim/admin/clock/advance?seconds=${seconds}`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as AdminAnswer['body'] };
}

/** An admin error answer: the API's envelope, with a fresh RequestId. */
function refusedWith(code: keyof typeof API_ERRORS): unknown {
  return {
    status: API_ERRORS[code][0],
    body: {
      Code: code,
      Message: API_ERRORS[code][1],
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      HostId: expect.any(String),
      Recommend: expect.stringContaining(`q=${code}`),
    },
  };
}

describe('POST /casim/admin/clock/advance', () => {
  it('answers 400 InvalidParameter.Seconds beyond 10 years or past the year 9998, and the server keeps running', async () => {
    const server = await startedServer(tempDir('casim-clock-'), ['--time-control']);
    const refused = refusedWith('InvalidParameter.Seconds');
    for (const seconds of ['8640000000000', String(MAX_ADVANCE_SECONDS + 1), '1e400', 'Infinity']) {
      expect(await advance(server.url, seconds)).toEqual(refused);
    }
    const start = Date.parse((await advance(server.url, '0')).body.Now!);
    const tenYears = await advance(server.url, String(MAX_ADVANCE_SECONDS));
    expect(tenYears.status).toBe(200);
    expect(Date.parse(tenYears.body.Now!) - start).toBeGreaterThanOrEqual(MAX_ADVANCE_SECONDS * 1000);
    // 10 years at a time, simulated time reaches the year 9998 and stops there.
    let last = tenYears;
    while (last.status === 200) last = await advance(server.url, String(MAX_ADVANCE_SECONDS));
    expect(last).toEqual(refused);
    const clock = (await (await fetch(`${server.url}/casim/admin/clock`)).json()) as { Now: string };
    expect(clock.Now).toMatch(/^99[89]\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(clock.Now < '9999').toBe(true);
    await expect(server.client.call('DescribeCommands', {})).resolves.toMatchObject({ TotalCount: 0 });
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});

describe('the fault endpoint, given a body the client never finishes', () => {
  it('keeps the server running and answering, and refuses bad faults with the API error envelope', async () => {
    const server = await startedServer(tempDir('casim-fault-abort-'), ['--admin']);
    for (let i = 0; i < 3; i += 1) {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write('POST /casim/admin/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"kind":');
      await new Promise((resolve) => setTimeout(resolve, 50)); // the body has started to arrive
      await new Promise<void>((resolve) => socket.end(() => resolve()));
      socket.destroy();
    }
    const malformed = await fetch(`${server.url}/casim/admin/faults`, { method: 'POST', body: '{' });
    expect({ status: malformed.status, body: await malformed.json() }).toEqual({
      status: 400,
      body: {
        Code: 'InvalidFault.Malformed',
        Message: expect.stringContaining('the body is not JSON'),
        RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
        HostId: expect.any(String),
        Recommend: expect.stringContaining('q=InvalidFault.Malformed'),
      },
    });
    expect(malformed.headers.get('x-acs-request-id')).toMatch(/^[0-9A-F-]{36}$/);
    const listed = await fetch(`${server.url}/casim/admin/faults`);
    expect([listed.status, await listed.json()]).toEqual([200, { faults: [] }]);
    await expect(server.client.call('DescribeCommands', {})).resolves.toMatchObject({ TotalCount: 0 });
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});

describe('a client that aborts its request body', () => {
  it('is logged as "client aborted the request", not as a 500 internal error', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const logger = winston.createLogger({
      level: 'info',
      format: winston.format.printf(({ level, message }) => `${level} ${String(message)}`),
      transports: [new winston.transports.Stream({ stream })],
    });
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: tempDir('casim-abort-'), accessKeys: [TEST_KEY], logger });
    try {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nAction=Desc`);
      await waitFor(() => (server.inFlightCalls() === 1 ? true : undefined), 5_000, 'the request in flight');
      socket.destroy();
      const line = await waitFor(() => lines.find((l) => l.startsWith('info api ')), 5_000, 'the api log line');
      expect(line).toMatch(/^info api - client aborted the request \d+\.\dms [0-9A-F-]{36}$/);
      await waitFor(() => (server.inFlightCalls() === 0 ? true : undefined), 5_000, 'the request to end');
      expect(lines.filter((l) => l.startsWith('error') || / 500 /.test(l))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
