import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV1 } from '../../controlplane/auth/signature-v1.js';
import { ConsoleHandler } from '../../controlplane/console/console-handler.js';
import { createLogger } from '../../shared/logger.js';
import { formatApiTime } from '../../shared/clock.js';
import { startCasim, type LocalCasim } from '../../testkit/start-casim.js';

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function fetchRaw(base: string, path: string, options: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const request = httpRequest(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', agent: false, headers: options.host ? { host: options.host } : {} },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** A V1-signed GET query for the event stream, like the page builds it. */
function signedEventsPath(casim: LocalCasim, extra: Array<[string, string]> = [], action = 'ConsoleEvents'): string {
  const pairs: Array<[string, string]> = [
    ['Action', action],
    ['Version', '2014-05-26'],
    ['Format', 'JSON'],
    ['AccessKeyId', casim.credentials.accessKeyId],
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['SignatureNonce', randomUUID()],
    ['Timestamp', formatApiTime(new Date())],
    ['RegionId', casim.credentials.regionId],
    ...extra,
  ];
  pairs.push(['Signature', signV1(casim.credentials.accessKeySecret, 'GET', pairs)]);
  return `/console/events?${new URLSearchParams(pairs).toString()}`;
}

interface EventStream {
  readonly events: Array<{ name: string; invokeId: string; instanceId: string; status: string }>;
  readonly status: number;
  waitFor(predicate: (events: EventStream['events']) => boolean): Promise<void>;
  close(): void;
}

/** Opens the event stream and collects its `run` events. */
function openStream(base: string, path: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const request = get(`${base}${path}`, { agent: false }, (response) => {
      const events: EventStream['events'] = [];
      const waiters: Array<() => void> = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (block.startsWith('event: run') && data) events.push(JSON.parse(data.slice(6)) as EventStream['events'][number]);
        }
        waiters.forEach((check) => check());
      });
      resolve({
        events,
        status: response.statusCode ?? 0,
        waitFor: (predicate) =>
          new Promise<void>((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`events so far: ${JSON.stringify(events)}`)), 30_000);
            const check = (): void => {
              if (predicate(events)) {
                clearTimeout(timer);
                done();
              }
            };
            waiters.push(check);
            check();
          }),
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

describe('the console endpoints of a running server', () => {
  let casim: LocalCasim;
  beforeAll(async () => {
    casim = await startCasim({ instances: 2 });
  });
  afterAll(() => casim?.stop());

  it('serves the page with a strict Content-Security-Policy and no caching', async () => {
    const page = await fetchRaw(casim.url, '/console');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('/console/assets/main.js');
    expect((await fetchRaw(casim.url, '/console/console.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 403 to a Host name that is not loopback (DNS rebinding) and 405 to a POST', async () => {
    expect((await fetchRaw(casim.url, '/console', { host: 'evil.example:8484' })).status).toBe(403);
    expect((await fetchRaw(casim.url, '/console', { host: `localhost:${new URL(casim.url).port}` })).status).toBe(200);
    expect((await fetchRaw(casim.url, '/console', { method: 'POST' })).status).toBe(405);
  });

  it('refuses an unsigned, wrongly signed, replayed or over-specified event stream', async () => {
    expect((await fetchRaw(casim.url, '/console/events')).status).toBe(403);
    const forged = signedEventsPath(casim).replace(/Signature=[^&]+$/, 'Signature=AAAA');
    const forgedAnswer = await fetchRaw(casim.url, forged);
    expect(forgedAnswer.status).toBe(403);
    expect(JSON.parse(forgedAnswer.body)).toMatchObject({ Code: 'SignatureDoesNotMatch' });
    expect((await fetchRaw(casim.url, signedEventsPath(casim, [], 'DescribeRegions'))).status).toBe(400);
    expect((await fetchRaw(casim.url, signedEventsPath(casim, [['Callback', 'x']]))).status).toBe(400);
    expect((await fetchRaw(casim.url, signedEventsPath(casim, [['InvokeId', '<script>']]))).status).toBe(400);
    expect((await fetchRaw(casim.url, `${signedEventsPath(casim)}&Action=ConsoleEvents`)).status).toBe(400);

    const path = signedEventsPath(casim);
    const first = await openStream(casim.url, path);
    expect(first.status).toBe(200);
    first.close();
    const replay = await fetchRaw(casim.url, path);
    expect(replay.status).toBe(403);
    expect(JSON.parse(replay.body)).toMatchObject({ Code: 'SignatureNonceUsed' });
  });

  it('streams the run lifecycle of one invocation when filtered by InvokeId', async () => {
    const all = await openStream(casim.url, signedEventsPath(casim));
    const { InvokeId: other } = await casim.api.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [casim.instanceIds[0]!] });
    await all.waitFor((events) => events.some((e) => e.invokeId === other && e.name === 'finished'));

    const { InvokeId } = await casim.api.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo one; sleep 1; echo two',
      InstanceId: [...casim.instanceIds],
    });
    // Subscribed after the call: it sees at least the output and the end of both runs.
    const mine = await openStream(casim.url, signedEventsPath(casim, [['InvokeId', InvokeId]]));
    await mine.waitFor((events) => events.filter((e) => e.name === 'finished').length === 2);
    expect(new Set(mine.events.map((e) => e.invokeId))).toEqual(new Set([InvokeId]));
    expect(mine.events.filter((e) => e.name === 'finished').map((e) => e.status)).toEqual(['Success', 'Success']);
    await all.waitFor((events) => events.filter((e) => e.invokeId === InvokeId && e.name === 'output').length >= 2);
    mine.close();
    all.close();
  });
});

describe('the console page modules', () => {
  let dir: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casim-console-assets-'));
    writeFileSync(join(dir, 'main.js'), 'export {};\n');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web\n');
    const handler = new ConsoleHandler({ listenHost: '127.0.0.1', lookupSecret: () => undefined, source: 'test', logger: createLogger('console-test'), assetRoot: dir });
    server = createServer((request, response) => handler.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a kebab-case .js module as JavaScript', async () => {
    const answer = await fetchRaw(base, '/console/assets/main.js');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.body).toBe('export {};\n');
  });

  it.each(['/console/assets/secret.txt', '/console/assets/../secret.txt', '/console/assets/..%2Fsecret.txt', '/console/assets/%2e%2e/main.js', '/console/assets/sub/main.js', '/console/assets/missing.js', '/console/other'])(
    'answers 404 to %s',
    async (path) => {
      expect((await fetchRaw(base, path)).status).toBe(404);
    },
  );
});
