import { describe, expect, it } from 'vitest';
import { NonceCache } from '../../../controlplane/auth/nonce-cache.js';
import { formatAcs3Authorization, signV3, acs3Hash, type Acs3Algorithm } from '../../../controlplane/auth/signature-v3.js';
import { signV1 } from '../../../controlplane/auth/signature-v1.js';
import { verifyRequest, type VerifyResult } from '../../../controlplane/auth/verify-request.js';
import { decodeUrlEncoded, toVerifyInput, type WireRequest } from '../../../controlplane/auth/wire-request.js';
import {
  ALL_CAPTURES,
  CAPTURE_TIME,
  FAKE_AK,
  FAKE_SECRET,
  genericAcs3FormBody,
  popCorePost,
  publishedV1,
  publishedV3,
  type Capture,
  v7CreateCommand,
  v7InvokeCommand,
  v7Sigv2InvokeCommand,
  v7Sigv2StringToSign,
} from './wire-captures.js';

const MINUTE = 60_000;

interface RunOptions {
  readonly secret?: string;
  readonly now?: Date;
  readonly cache?: NonceCache;
  readonly knownKey?: boolean;
}

/** Verifies `request` as the server would, the capture's key being the only registered one. */
function run(capture: Capture, request: WireRequest = capture.request, options: RunOptions = {}): VerifyResult {
  const secret = options.secret ?? capture.secret;
  const known = options.knownKey ?? true;
  return verifyRequest(
    toVerifyInput(request),
    (accessKeyId) => (known && accessKeyId === capture.accessKeyId ? secret : undefined),
    options.now ?? capture.now,
    options.cache ?? new NonceCache(),
  );
}

function withHeader(request: WireRequest, name: string, value: string | undefined): WireRequest {
  const headers = { ...request.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...request, headers };
}

/** Applies `edit` to the url-encoded parameter string, wherever the capture carries it. */
function editParams(request: WireRequest, edit: (encoded: string) => string): WireRequest {
  if (request.body.length > 0 && !request.url.includes('?')) {
    return { ...request, body: Buffer.from(edit(request.body.toString('utf8')), 'utf8') };
  }
  const [path, query = ''] = request.url.split('?');
  return { ...request, url: `${path}?${edit(query)}` };
}

const withoutParam = (name: string) => (encoded: string): string =>
  encoded
    .split('&')
    .filter((pair) => !pair.startsWith(`${name}=`))
    .join('&');
const withParam = (name: string, value: string) => (encoded: string): string =>
  `${withoutParam(name)(encoded)}&${name}=${encodeURIComponent(value)}`;

/** A parameter to change in each capture (only the V3 form-body capture needs one from its body). */
const TAMPERED_PARAM: ReadonlyMap<Capture, readonly [string, string]> = new Map([
  [publishedV1, ['Format', 'JSON']],
  [publishedV3, ['RegionId', 'cn-hangzhou']],
  [v7CreateCommand, ['Timeout', '61']],
  [v7InvokeCommand, ['Username', 'admin']],
  [v7Sigv2InvokeCommand, ['Username', 'admin']],
  [popCorePost, ['Username', 'admin']],
  [genericAcs3FormBody, ['CommandId', 'c-y']],
]);

const v3Captures = ALL_CAPTURES.filter((capture) => capture.scheme === 'v3');
const v1Captures = ALL_CAPTURES.filter((capture) => capture.scheme === 'v1');

describe('verifyRequest on the captured and published requests', () => {
  it.each(ALL_CAPTURES.map((capture) => [capture.name, capture] as const))('accepts %s', (_name, capture) => {
    expect(run(capture)).toEqual({
      ok: true,
      scheme: capture.scheme,
      accessKeyId: capture.accessKeyId,
      action: capture.action,
      version: '2014-05-26',
    });
  });

  it.each(ALL_CAPTURES.map((capture) => [capture.name, capture] as const))(
    'rejects %s signed with another secret with SignatureDoesNotMatch',
    (_name, capture) => {
      expect(run(capture, capture.request, { secret: 'wrong-secret' })).toMatchObject({ ok: false, error: 'SignatureDoesNotMatch' });
    },
  );

  it.each(ALL_CAPTURES.map((capture) => [capture.name, capture] as const))(
    'rejects %s with a changed parameter value with SignatureDoesNotMatch',
    (_name, capture) => {
      const [name, value] = TAMPERED_PARAM.get(capture) ?? ['', ''];
      expect(run(capture, editParams(capture.request, withParam(name, value)))).toMatchObject({
        ok: false,
        error: 'SignatureDoesNotMatch',
      });
    },
  );

  it.each(ALL_CAPTURES.map((capture) => [capture.name, capture] as const))(
    'rejects %s with an added parameter with SignatureDoesNotMatch',
    (_name, capture) => {
      const request = { ...capture.request, url: `${capture.request.url}${capture.request.url.includes('?') ? '&' : '?'}Extra=1` };
      expect(run(capture, request)).toMatchObject({ ok: false, error: 'SignatureDoesNotMatch' });
    },
  );

  it.each(ALL_CAPTURES.map((capture) => [capture.name, capture] as const))(
    'rejects %s sent with the other HTTP method with SignatureDoesNotMatch',
    (_name, capture) => {
      const method = capture.request.method === 'GET' ? 'POST' : 'GET';
      expect(run(capture, { ...capture.request, method })).toMatchObject({ ok: false, error: 'SignatureDoesNotMatch' });
    },
  );

  it.each(v3Captures.map((capture) => [capture.name, capture] as const))(
    'rejects %s with a changed x-acs-action with SignatureDoesNotMatch',
    (_name, capture) => {
      expect(run(capture, withHeader(capture.request, 'x-acs-action', 'DeleteCommand'))).toMatchObject({
        ok: false,
        error: 'SignatureDoesNotMatch',
      });
    },
  );

  it.each(v1Captures.map((capture) => [capture.name, capture] as const))(
    'takes the action of %s from the signed Action parameter, not the unsigned x-acs-action header',
    (_name, capture) => {
      expect(run(capture, withHeader(capture.request, 'x-acs-action', 'DeleteCommand'))).toMatchObject({
        ok: true,
        action: capture.action,
      });
    },
  );

  it.each(ALL_CAPTURES.map((capture) => [capture.name, capture] as const))(
    'rejects %s from an unknown AccessKeyId with InvalidAccessKeyId.NotFound',
    (_name, capture) => {
      expect(run(capture, capture.request, { knownKey: false })).toEqual({
        ok: false,
        error: 'InvalidAccessKeyId.NotFound',
        detail: capture.accessKeyId,
      });
    },
  );

  it.each(
    ALL_CAPTURES.flatMap((capture) => [
      [capture.name, '16 minutes late', capture, 16 * MINUTE] as const,
      [capture.name, '16 minutes early', capture, -16 * MINUTE] as const,
    ]),
  )('rejects %s arriving %s with InvalidTimeStamp.Expired', (_name, _when, capture, offset) => {
    const now = new Date(capture.now.getTime() + offset);
    expect(run(capture, capture.request, { now })).toMatchObject({ ok: false, error: 'InvalidTimeStamp.Expired' });
  });

  it.each([14 * MINUTE, -14 * MINUTE, 15 * MINUTE, -15 * MINUTE])('accepts a request whose time is %i ms from now', (offset) => {
    const now = new Date(CAPTURE_TIME.getTime() + offset);
    expect(run(v7InvokeCommand, v7InvokeCommand.request, { now }).ok).toBe(true);
    expect(run(popCorePost, popCorePost.request, { now }).ok).toBe(true);
  });

  it.each(ALL_CAPTURES.map((capture) => [capture.name, capture] as const))(
    'rejects a replay of %s with SignatureNonceUsed',
    (_name, capture) => {
      const cache = new NonceCache();
      expect(run(capture, capture.request, { cache }).ok).toBe(true);
      expect(run(capture, capture.request, { cache, now: new Date(capture.now.getTime() + MINUTE) })).toMatchObject({
        ok: false,
        error: 'SignatureNonceUsed',
      });
    },
  );

  it('does not use up the nonce of a request refused for its signature or its time', () => {
    const cache = new NonceCache();
    expect(run(v7InvokeCommand, v7InvokeCommand.request, { cache, secret: 'wrong' }).ok).toBe(false);
    expect(run(v7InvokeCommand, v7InvokeCommand.request, { cache, now: new Date(CAPTURE_TIME.getTime() + 20 * MINUTE) }).ok).toBe(false);
    expect(run(v7InvokeCommand, v7InvokeCommand.request, { cache }).ok).toBe(true);
  });

  it('reports the server string to sign in the detail of SignatureDoesNotMatch', () => {
    expect(run(v7Sigv2InvokeCommand, v7Sigv2InvokeCommand.request, { secret: 'wrong' })).toEqual({
      ok: false,
      error: 'SignatureDoesNotMatch',
      detail: v7Sigv2StringToSign,
    });
    expect(run(v7CreateCommand, v7CreateCommand.request, { secret: 'wrong' })).toEqual({
      ok: false,
      error: 'SignatureDoesNotMatch',
      detail: 'ACS3-HMAC-SHA256\n678bbc5aaa135be7d408ea1d4f792fa98262c892b95172a561880cc826804f7d',
    });
  });

  it('accepts the wire query re-encoded differently (decode then re-encode, never the raw query)', () => {
    const reencoded = { ...v7InvokeCommand.request, url: v7InvokeCommand.request.url.replace(/\*/g, '%2A').replace(/%20/g, '+') };
    expect(run(v7InvokeCommand, reencoded).ok).toBe(true);
    const sigv2 = v7Sigv2InvokeCommand.request;
    expect(run(v7Sigv2InvokeCommand, { ...sigv2, url: sigv2.url.replace(/\*/g, '%2a').replace(/%20/g, '+') }).ok).toBe(true);
  });
});

describe('verifyRequest, V1 (HMAC-SHA1) specifics', () => {
  const sigv2 = v7Sigv2InvokeCommand;

  it.each(['Signature', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'])(
    'rejects a request without %s with IncompleteSignature',
    (name) => {
      expect(run(sigv2, editParams(sigv2.request, withoutParam(name)))).toMatchObject({ ok: false, error: 'IncompleteSignature' });
    },
  );

  it.each([
    ['SignatureMethod', 'HMAC-SHA256'],
    ['SignatureVersion', '2.0'],
    ['Signature', ''],
  ])('rejects %s=%s with IncompleteSignature', (name, value) => {
    expect(run(sigv2, editParams(sigv2.request, withParam(name, value)))).toMatchObject({ ok: false, error: 'IncompleteSignature' });
  });

  it('rejects a Signature given twice with IncompleteSignature', () => {
    const doubled = editParams(sigv2.request, (encoded) => `${encoded}&Signature=x`);
    expect(run(sigv2, doubled)).toMatchObject({ ok: false, error: 'IncompleteSignature' });
  });

  it.each([
    ['Action', 'MissingParameter.Action'],
    ['Version', 'MissingParameter.Version'],
  ])('rejects a request without %s with %s', (name, error) => {
    expect(run(sigv2, editParams(sigv2.request, withoutParam(name)))).toMatchObject({ ok: false, error });
  });

  it('accepts a Timestamp with milliseconds (aliyun-sdk sends toISOString()), signed like any other', () => {
    const params = decodeUrlEncoded(popCorePost.request.body.toString('utf8'))
      .filter(([name]) => name !== 'Signature' && name !== 'Timestamp')
      .concat([['Timestamp', '2026-12-01T06:37:22.879Z']]);
    params.push(['Signature', signV1(FAKE_SECRET, 'POST', params)]);
    const request: WireRequest = { ...popCorePost.request, body: Buffer.from(new URLSearchParams(params).toString(), 'utf8') };
    expect(run(popCorePost, request, { now: new Date('2026-12-01T06:40:00Z') })).toMatchObject({ ok: true, scheme: 'v1' });
    expect(run(popCorePost, request, { now: new Date('2026-12-01T06:52:23Z') })).toMatchObject({ ok: false, error: 'InvalidTimeStamp.Expired' });
  });

  it.each(['2026-11-22T10:36:40.000+08:00', '2026-11-22 10:36:40', 'yesterday'])(
    'rejects Timestamp %s with InvalidTimeStamp.Format',
    (timestamp) => {
      expect(run(sigv2, editParams(sigv2.request, withParam('Timestamp', timestamp)))).toEqual({
        ok: false,
        error: 'InvalidTimeStamp.Format',
        detail: timestamp,
      });
    },
  );

  it('signs query and form-body parameters together', () => {
    const pairs = decodeUrlEncoded(popCorePost.request.body.toString('utf8'));
    const query = pairs.slice(0, 5);
    const body = pairs.slice(5);
    const request: WireRequest = {
      ...popCorePost.request,
      url: `/?${new URLSearchParams(query).toString()}`,
      body: Buffer.from(new URLSearchParams(body).toString(), 'utf8'),
    };
    expect(run(popCorePost, request)).toMatchObject({ ok: true, scheme: 'v1', action: 'InvokeCommand' });
  });

  it('ignores the form body when it is not x-www-form-urlencoded', () => {
    const request = withHeader(popCorePost.request, 'content-type', 'text/plain');
    expect(run(popCorePost, request)).toMatchObject({ ok: false, error: 'IncompleteSignature' });
  });

  it('accepts the same parameters sent by GET when signed for GET', () => {
    const params = decodeUrlEncoded(popCorePost.request.body.toString('utf8')).filter(([name]) => name !== 'Signature');
    params.push(['Signature', signV1(FAKE_SECRET, 'GET', params)]);
    const request: WireRequest = { method: 'GET', url: `/?${new URLSearchParams(params).toString()}`, headers: { host: 'h' }, body: Buffer.alloc(0) };
    expect(run(popCorePost, request)).toMatchObject({ ok: true, scheme: 'v1' });
  });

  it('treats an Authorization header that is not ACS3 as a V1 request', () => {
    expect(run(sigv2, withHeader(sigv2.request, 'authorization', 'Bearer abc')).ok).toBe(true);
  });
});

describe('verifyRequest, V3 (ACS3) specifics', () => {
  interface SignOptions {
    readonly algorithm?: Acs3Algorithm;
    readonly headers?: Record<string, string>;
    readonly unsigned?: readonly string[];
    readonly body?: string;
    readonly query?: string;
  }

  /** A V3 request signed here the way the SDK signs: every host / content-type / x-acs-* header. */
  function signedRequest(options: SignOptions = {}): WireRequest {
    const algorithm = options.algorithm ?? 'ACS3-HMAC-SHA256';
    const body = Buffer.from(options.body ?? '', 'utf8');
    const headers: Record<string, string> = {
      host: 'ecs.aliyuncs.com',
      'x-acs-action': 'InvokeCommand',
      'x-acs-version': '2014-05-26',
      'x-acs-date': '2026-11-22T10:36:40Z',
      'x-acs-signature-nonce': 'nonce-1',
      'x-acs-content-sha256': acs3Hash(algorithm, body),
      ...(body.length > 0 ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...options.headers,
    };
    const signable = Object.keys(headers).filter(
      (name) => (name === 'host' || name === 'content-type' || name.startsWith('x-acs-')) && !options.unsigned?.includes(name),
    );
    const query = options.query ?? 'RegionId=cn-hangzhou';
    const signature = signV3(FAKE_SECRET, {
      method: 'POST',
      path: '/',
      query: decodeUrlEncoded(query),
      headers: Object.fromEntries(signable.map((name) => [name, headers[name] ?? ''])),
      bodySha256Hex: acs3Hash(algorithm, body),
      algorithm,
    });
    const authorization = formatAcs3Authorization({ algorithm, accessKeyId: FAKE_AK, signedHeaders: [...signable].sort(), signature });
    return { method: 'POST', url: `/?${query}`, headers: { ...headers, authorization }, body };
  }

  const capture: Capture = { ...v7InvokeCommand, request: signedRequest() };

  it('accepts a request signed here the SDK way (control for the cases below)', () => {
    expect(run(capture)).toMatchObject({ ok: true, scheme: 'v3', action: 'InvokeCommand' });
  });

  it('accepts ACS3-HMAC-SM3, whose x-acs-content-sha256 is an sm3 digest', () => {
    expect(run(capture, signedRequest({ algorithm: 'ACS3-HMAC-SM3', body: 'a=1' }))).toMatchObject({ ok: true, scheme: 'v3' });
  });

  it('accepts STS headers when they are signed', () => {
    const request = signedRequest({ headers: { 'x-acs-accesskey-id': FAKE_AK, 'x-acs-security-token': 'CAIS.token+/=' } });
    expect(run(capture, request).ok).toBe(true);
  });

  it.each([
    ['an unsupported algorithm', 'ACS3-RSA-SHA256 Credential=AK,SignedHeaders=host,Signature=' + 'a'.repeat(64)],
    ['no Signature', `ACS3-HMAC-SHA256 Credential=${FAKE_AK},SignedHeaders=host;x-acs-date`],
    ['a truncated Signature', `ACS3-HMAC-SHA256 Credential=${FAKE_AK},SignedHeaders=host,Signature=868eef`],
    ['no Credential', `ACS3-HMAC-SHA256 SignedHeaders=host,Signature=${'a'.repeat(64)}`],
    ['garbage after the algorithm', 'ACS3-HMAC-SHA256 nonsense'],
    ['only the algorithm', 'ACS3-HMAC-SHA256'],
  ])('rejects an Authorization header with %s with IncompleteSignature', (_label, authorization) => {
    expect(run(v7InvokeCommand, withHeader(v7InvokeCommand.request, 'authorization', authorization))).toMatchObject({
      ok: false,
      error: 'IncompleteSignature',
    });
  });

  it.each(['host', 'x-acs-date', 'x-acs-content-sha256', 'x-acs-signature-nonce'])(
    'rejects a request without the %s header with IncompleteSignature',
    (name) => {
      expect(run(v7InvokeCommand, withHeader(v7InvokeCommand.request, name, undefined))).toMatchObject({
        ok: false,
        error: 'IncompleteSignature',
      });
    },
  );

  it.each([
    ['x-acs-action', 'MissingParameter.Action'],
    ['x-acs-version', 'MissingParameter.Version'],
  ])('rejects a request without %s with %s', (name, error) => {
    expect(run(v7InvokeCommand, withHeader(v7InvokeCommand.request, name, undefined))).toMatchObject({ ok: false, error });
  });

  it.each(['host', 'x-acs-date', 'x-acs-content-sha256', 'x-acs-signature-nonce', 'x-acs-action', 'x-acs-version'])(
    'rejects a request that leaves %s unsigned with IncompleteSignature',
    (name) => {
      expect(run(capture, signedRequest({ unsigned: [name] }))).toMatchObject({ ok: false, error: 'IncompleteSignature' });
    },
  );

  it.each([
    ['content-type of a body', { body: 'a=1', unsigned: ['content-type'] }],
    ['x-acs-security-token', { headers: { 'x-acs-security-token': 't' }, unsigned: ['x-acs-security-token'] }],
  ] as const)('rejects a request that leaves %s unsigned with IncompleteSignature', (_label, options) => {
    expect(run(capture, signedRequest(options))).toMatchObject({ ok: false, error: 'IncompleteSignature' });
  });

  it('tolerates an unsigned x-acs-* header it does not act on', () => {
    expect(run(capture, signedRequest({ headers: { 'x-acs-trace': 'x' }, unsigned: ['x-acs-trace'] })).ok).toBe(true);
  });

  it('rejects a request whose SignedHeaders names a header it does not carry with IncompleteSignature', () => {
    const request = withHeader(v7InvokeCommand.request, 'x-acs-credentials-provider', undefined);
    expect(run(v7InvokeCommand, request)).toMatchObject({ ok: false, error: 'IncompleteSignature' });
  });

  it('rejects an x-acs-accesskey-id that differs from the Credential with IncompleteSignature', () => {
    const request = signedRequest({ headers: { 'x-acs-accesskey-id': 'LTAIother' } });
    expect(run(capture, request)).toMatchObject({ ok: false, error: 'IncompleteSignature' });
  });

  it('rejects an x-acs-content-sha256 that is not 64 lower-case hex digits with IncompleteSignature', () => {
    const request = withHeader(v7InvokeCommand.request, 'x-acs-content-sha256', 'E3B0');
    expect(run(v7InvokeCommand, request)).toMatchObject({ ok: false, error: 'IncompleteSignature' });
  });

  it('rejects a body that does not match x-acs-content-sha256 with SignatureDoesNotMatch', () => {
    const tampered = { ...genericAcs3FormBody.request, body: Buffer.from('RegionId=cn-hangzhou&CommandId=c-y') };
    expect(run(genericAcs3FormBody, tampered)).toMatchObject({ ok: false, error: 'SignatureDoesNotMatch' });
  });

  it('rejects a body added to a request signed with an empty body with SignatureDoesNotMatch', () => {
    const tampered = { ...v7InvokeCommand.request, body: Buffer.from('x=1') };
    expect(run(v7InvokeCommand, tampered)).toMatchObject({ ok: false, error: 'SignatureDoesNotMatch' });
  });

  it('rejects a malformed x-acs-date with InvalidTimeStamp.Format', () => {
    const request = withHeader(v7InvokeCommand.request, 'x-acs-date', '2026-11-22T10:36:40.123+08:00');
    expect(run(v7InvokeCommand, request)).toMatchObject({ ok: false, error: 'InvalidTimeStamp.Format' });
  });

  it('takes an x-acs-date with milliseconds as a well-formed time (then checks the signature)', () => {
    const request = withHeader(v7InvokeCommand.request, 'x-acs-date', '2026-11-22T10:36:40.123Z');
    expect(run(v7InvokeCommand, request)).toMatchObject({ ok: false, error: 'SignatureDoesNotMatch' });
  });

  it('rejects a replayed x-acs-signature-nonce even on a new, validly signed request', () => {
    const cache = new NonceCache();
    expect(run(capture, signedRequest({ query: 'RegionId=cn-hangzhou' }), { cache }).ok).toBe(true);
    expect(run(capture, signedRequest({ query: 'RegionId=cn-beijing' }), { cache })).toMatchObject({
      ok: false,
      error: 'SignatureNonceUsed',
    });
  });
});
