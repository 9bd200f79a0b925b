import { describe, expect, it } from 'vitest';
import {
  acs3Hash,
  canonicalHeaders,
  canonicalUri,
  formatAcs3Authorization,
  parseAcs3Authorization,
  signV3,
  v3CanonicalRequest,
  v3StringToSign,
  type V3SigningInput,
} from '../../../controlplane/auth/signature-v3.js';
import { decodeUrlEncoded } from '../../../controlplane/auth/wire-request.js';
import {
  EMPTY_SHA256,
  FAKE_AK,
  FAKE_SECRET,
  type Capture,
  v7CreateCommand,
  v7CreateCommandCanonicalRequest,
  v7InvokeCommand,
} from './wire-captures.js';

/** The V3 signing input of a captured request: decoded query, and the headers its Authorization lists. */
function signingInput(capture: Capture): V3SigningInput {
  const { url, headers } = capture.request;
  const signed = /SignedHeaders=([^,]+)/.exec(String(headers['authorization']))?.[1]?.split(';') ?? [];
  return {
    method: capture.request.method,
    path: '/',
    query: decodeUrlEncoded(url.slice(url.indexOf('?') + 1)),
    headers: Object.fromEntries(signed.map((name) => [name, String(headers[name])])),
    bodySha256Hex: EMPTY_SHA256,
    algorithm: 'ACS3-HMAC-SHA256',
  };
}

describe('signV3 (ACS3-HMAC-SHA256)', () => {
  it('reproduces the published vector (spec §1.4)', () => {
    const input: V3SigningInput = {
      method: 'POST',
      path: '/',
      query: [
        ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
        ['RegionId', 'cn-shanghai'],
      ],
      headers: {
        host: 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-content-sha256': EMPTY_SHA256,
        'x-acs-date': '2023-10-26T09:01:01Z',
        'x-acs-signature-nonce': 'd410180a5abf7fe235dd9b74aca91fc0',
        'x-acs-version': '2014-05-26',
      },
      bodySha256Hex: EMPTY_SHA256,
      algorithm: 'ACS3-HMAC-SHA256',
    };
    expect(signV3('YourAccessKeySecret', input)).toBe('e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804');
  });

  it('rebuilds the captured v7 CreateCommand canonical request from the re-encoded wire query', () => {
    const canonical = v3CanonicalRequest(signingInput(v7CreateCommand));
    expect(canonical).toBe(v7CreateCommandCanonicalRequest);
    expect(v3StringToSign('ACS3-HMAC-SHA256', canonical)).toBe(
      'ACS3-HMAC-SHA256\n678bbc5aaa135be7d408ea1d4f792fa98262c892b95172a561880cc826804f7d',
    );
    expect(signV3(FAKE_SECRET, signingInput(v7CreateCommand))).toBe(v7CreateCommand.signature);
  });

  it('reproduces the captured v7 InvokeCommand StringToSign and signature', () => {
    const input = signingInput(v7InvokeCommand);
    expect(v3StringToSign('ACS3-HMAC-SHA256', v3CanonicalRequest(input))).toBe(
      'ACS3-HMAC-SHA256\n9112a020c10bfe4cffca535fe36c6ff95be213b6bde89a1190bd182a4e7f2faf',
    );
    expect(signV3(FAKE_SECRET, input)).toBe(v7InvokeCommand.signature);
  });

  it('keys the HMAC with the bare secret (no "&")', () => {
    expect(signV3(`${FAKE_SECRET}&`, signingInput(v7InvokeCommand))).not.toBe(v7InvokeCommand.signature);
  });
});

describe('ACS3-HMAC-SM3', () => {
  it('hashes with sm3', () => {
    expect(acs3Hash('ACS3-HMAC-SM3', '')).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
    expect(acs3Hash('ACS3-HMAC-SHA256', '')).toBe(EMPTY_SHA256);
  });

  it('prefixes the StringToSign with ACS3-HMAC-SM3 and signs differently from SHA256', () => {
    const sha = signingInput(v7InvokeCommand);
    const sm3: V3SigningInput = { ...sha, algorithm: 'ACS3-HMAC-SM3' };
    expect(v3StringToSign('ACS3-HMAC-SM3', v3CanonicalRequest(sm3))).toMatch(/^ACS3-HMAC-SM3\n[0-9a-f]{64}$/);
    expect(signV3(FAKE_SECRET, sm3)).toMatch(/^[0-9a-f]{64}$/);
    expect(signV3(FAKE_SECRET, sm3)).not.toBe(signV3(FAKE_SECRET, sha));
  });
});

describe('canonicalUri', () => {
  it.each([
    ['/', '/'],
    ['/a+b', '/a%20b'],
    ['/a*b', '/a%2Ab'],
    ['/%7Ex', '/~x'],
  ])('maps %s to %s', (path, expected) => {
    expect(canonicalUri(path)).toBe(expected);
  });
});

describe('canonicalHeaders', () => {
  it('lower-cases and sorts names, trims values, and ends the block with a newline', () => {
    expect(canonicalHeaders({ 'X-Acs-Version': ' 2014-05-26 ', host: 'h:1' })).toEqual({
      block: 'host:h:1\nx-acs-version:2014-05-26\n',
      signedHeaders: 'host;x-acs-version',
    });
  });
});

describe('parseAcs3Authorization', () => {
  const signature = '868eef089770c1adbe2a2c40ddfde706bc970f86810e98af589efe63f7405413';

  it('parses the header the SDK sends', () => {
    expect(parseAcs3Authorization(String(v7InvokeCommand.request.headers['authorization']))).toEqual({
      algorithm: 'ACS3-HMAC-SHA256',
      accessKeyId: FAKE_AK,
      signedHeaders: [
        'host',
        'x-acs-action',
        'x-acs-content-sha256',
        'x-acs-credentials-provider',
        'x-acs-date',
        'x-acs-signature-nonce',
        'x-acs-version',
      ],
      signature,
    });
  });

  it('accepts ACS3-HMAC-SM3, spaces after commas, any part order and upper-case hex', () => {
    expect(
      parseAcs3Authorization(`ACS3-HMAC-SM3 Signature=${signature.toUpperCase()}, SignedHeaders=Host;x-acs-date, Credential=AK`),
    ).toEqual({ algorithm: 'ACS3-HMAC-SM3', accessKeyId: 'AK', signedHeaders: ['host', 'x-acs-date'], signature });
  });

  it.each([
    ['an empty header', ''],
    ['an unsupported algorithm', `ACS3-RSA-SHA256 Credential=AK,SignedHeaders=host,Signature=${signature}`],
    ['a non-ACS3 scheme', `HMAC-SHA1 Credential=AK,SignedHeaders=host,Signature=${signature}`],
    ['no parts', 'ACS3-HMAC-SHA256'],
    ['a missing Credential', `ACS3-HMAC-SHA256 SignedHeaders=host,Signature=${signature}`],
    ['an empty Credential', `ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=${signature}`],
    ['a missing SignedHeaders', `ACS3-HMAC-SHA256 Credential=AK,Signature=${signature}`],
    ['an empty signed header name', `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;;x-acs-date,Signature=${signature}`],
    ['a missing Signature', 'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host'],
    ['a short Signature', 'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=abc123'],
    ['a non-hex Signature', `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=${'z'.repeat(64)}`],
    ['a repeated part', `ACS3-HMAC-SHA256 Credential=AK,Credential=AK,SignedHeaders=host,Signature=${signature}`],
    ['an unknown part', `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=${signature},Extra=1`],
    ['a part without "="', `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,${signature}`],
  ])('returns null for %s', (_label, header) => {
    expect(parseAcs3Authorization(header)).toBeNull();
  });

  it('round-trips through formatAcs3Authorization', () => {
    const header = String(v7InvokeCommand.request.headers['authorization']);
    const parsed = parseAcs3Authorization(header);
    expect(parsed && formatAcs3Authorization(parsed)).toBe(header);
  });
});
