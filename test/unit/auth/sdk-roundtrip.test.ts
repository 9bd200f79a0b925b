/**
 * The real SDKs (devDependencies) against verifyRequest: a local server captures exactly what
 * each client puts on the wire, answers an InvokeCommand success body, and the capture is then
 * verified as the simulator would verify it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ecsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NonceCache } from '../../../controlplane/auth/nonce-cache.js';
import { verifyRequest } from '../../../controlplane/auth/verify-request.js';
import { toVerifyInput, type WireRequest } from '../../../controlplane/auth/wire-request.js';

const AK = 'LTAI5tFakeAccessKeyId0001';
const SECRET = 'FakeAccessKeySecret0123456789abc';
const lookupSecret = (accessKeyId: string): string | undefined => (accessKeyId === AK ? SECRET : undefined);

/** Values that exercise the re-encoding trap: raw `* ! ' ( ) ~` on the wire, `%2A` etc. when signed. */
const FREQUENCY = '0 */20 * * * *';
const PARAMETERS = { name: "wörld (x)!'*~", path: '/tmp/a b+c&d=e', count: 3 };
const TAG_VALUE = 'a b+c/d&e=f 中文';

/**
 * The package is CJS with `exports.default = Client`: under Node's ESM interop (and TypeScript's
 * `nodenext` view of it) the default import is the whole `module.exports`, so the class is
 * `.default.default`. Some loaders unwrap it once more; accept both.
 */
type EcsClientClass = typeof ecsModule.default.default;
function ecsClientClass(): EcsClientClass {
  const exported: unknown = ecsModule.default;
  return typeof exported === 'function' ? (exported as EcsClientClass) : ecsModule.default.default;
}

let server: Server;
let port = 0;
let captured: WireRequest[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers satisfies IncomingHttpHeaders,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end('{"RequestId":"X","InvokeId":"t-1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  captured = [];
});

function onlyCapture(): WireRequest {
  expect(captured).toHaveLength(1);
  const [request] = captured;
  if (!request) throw new Error('no request captured');
  return request;
}

async function callEcs(signatureAlgorithm?: string): Promise<WireRequest> {
  const Client = ecsClientClass();
  const client = new Client(
    new $OpenApiUtil.Config({
      accessKeyId: AK,
      accessKeySecret: SECRET,
      endpoint: `127.0.0.1:${port}`,
      protocol: 'http',
      ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
    }),
  );
  const response = await client.invokeCommand(
    new ecsModule.InvokeCommandRequest({
      regionId: 'cn-hangzhou',
      commandId: 'c-hz01b2c3d4e5f6g7h8',
      instanceId: ['i-bp1abcdefghijklmnop1', 'i-bp1abcdefghijklmnop2'],
      parameters: PARAMETERS,
      repeatMode: 'Period',
      frequency: FREQUENCY,
      timed: true,
      timeout: 120,
      username: 'root',
      tag: [new ecsModule.InvokeCommandRequestTag({ key: 'env', value: TAG_VALUE })],
    }),
  );
  expect(response.body?.invokeId).toBe('t-1');
  return onlyCapture();
}

async function callPopCore(method: 'POST' | 'GET'): Promise<WireRequest> {
  const client = new RPCClient({
    accessKeyId: AK,
    accessKeySecret: SECRET,
    endpoint: `http://127.0.0.1:${port}`,
    apiVersion: '2014-05-26',
  });
  const params = {
    RegionId: 'cn-hangzhou',
    CommandId: 'c-hz01b2c3d4e5f6g7h8',
    InstanceId: ['i-bp1abcdefghijklmnop1', 'i-bp1abcdefghijklmnop2'],
    Parameters: JSON.stringify(PARAMETERS),
    RepeatMode: 'Period',
    Frequency: FREQUENCY,
    Timed: true,
    Username: 'root',
    Tag: [{ Key: 'env', Value: TAG_VALUE }],
  };
  const response = await client.request<{ InvokeId?: string }>('InvokeCommand', params, method === 'POST' ? { method: 'POST' } : {});
  expect(response.InvokeId).toBe('t-1');
  return onlyCapture();
}

const clients = [
  ['ecs20140526 v7 default (ACS3-HMAC-SHA256)', () => callEcs(), 'v3', 'POST'],
  ["ecs20140526 v7 signatureAlgorithm 'v2' (HMAC-SHA1)", () => callEcs('v2'), 'v1', 'POST'],
  ["ecs20140526 v7 signatureAlgorithm 'ACS3-HMAC-SM3'", () => callEcs('ACS3-HMAC-SM3'), 'v3', 'POST'],
  ['pop-core RPCClient POST', () => callPopCore('POST'), 'v1', 'POST'],
  ['pop-core RPCClient GET', () => callPopCore('GET'), 'v1', 'GET'],
] as const;

describe('verifyRequest against what the real SDKs send', () => {
  it.each(clients)('accepts %s', async (_name, call, scheme, method) => {
    const request = await call();
    expect(request.method).toBe(method);
    const result = verifyRequest(toVerifyInput(request), lookupSecret, new Date(), new NonceCache());
    expect(result).toEqual({ ok: true, scheme, accessKeyId: AK, action: 'InvokeCommand', version: '2014-05-26' });
  });

  it.each(clients)('sees the decoded parameters of %s as the caller gave them', async (_name, call) => {
    const input = toVerifyInput(await call());
    const params = new Map([...input.queryParams, ...input.bodyParams]);
    expect(params.get('Frequency')).toBe(FREQUENCY);
    expect(JSON.parse(params.get('Parameters') ?? 'null')).toEqual(PARAMETERS);
    expect(params.get('Tag.1.Value')).toBe(TAG_VALUE);
    expect(params.get('InstanceId.2')).toBe('i-bp1abcdefghijklmnop2');
  });

  it.each(clients)('rejects %s replayed with SignatureNonceUsed', async (_name, call) => {
    const input = toVerifyInput(await call());
    const cache = new NonceCache();
    expect(verifyRequest(input, lookupSecret, new Date(), cache).ok).toBe(true);
    expect(verifyRequest(input, lookupSecret, new Date(), cache)).toMatchObject({ ok: false, error: 'SignatureNonceUsed' });
  });

  it.each(clients)('rejects %s verified with another secret with SignatureDoesNotMatch', async (_name, call) => {
    const input = toVerifyInput(await call());
    expect(verifyRequest(input, () => 'another-secret', new Date(), new NonceCache())).toMatchObject({
      ok: false,
      error: 'SignatureDoesNotMatch',
    });
  });

  it.each(clients)('rejects %s arriving 16 minutes later with InvalidTimeStamp.Expired', async (_name, call) => {
    const input = toVerifyInput(await call());
    const later = new Date(Date.now() + 16 * 60_000);
    expect(verifyRequest(input, lookupSecret, later, new NonceCache())).toMatchObject({
      ok: false,
      error: 'InvalidTimeStamp.Expired',
    });
  });
});
