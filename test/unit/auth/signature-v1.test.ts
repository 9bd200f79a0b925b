import { describe, expect, it } from 'vitest';
import { rpcStringToSign, signV1 } from '../../../controlplane/auth/signature-v1.js';
import { decodeUrlEncoded } from '../../../controlplane/auth/wire-request.js';
import { popCorePost, publishedV1, v7Sigv2InvokeCommand, v7Sigv2StringToSign } from './wire-captures.js';

const publishedParams: Array<[string, string]> = [
  ['AccessKeyId', 'testid'],
  ['Action', 'DescribeRegions'],
  ['Format', 'XML'],
  ['SignatureMethod', 'HMAC-SHA1'],
  ['SignatureNonce', '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf'],
  ['SignatureVersion', '1.0'],
  ['Timestamp', '2016-02-23T12:46:24Z'],
  ['Version', '2014-05-26'],
];

describe('rpcStringToSign', () => {
  it('builds the published StringToSign (spec §1.6)', () => {
    expect(rpcStringToSign('GET', publishedParams)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
        '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
        '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
  });

  it('builds the captured v7-sigv2 StringToSign from the decoded wire query, Signature excluded', () => {
    const url = v7Sigv2InvokeCommand.request.url;
    const params = decodeUrlEncoded(url.slice(url.indexOf('?') + 1));
    expect(params.some(([name]) => name === 'Signature')).toBe(true);
    expect(rpcStringToSign('POST', params)).toBe(v7Sigv2StringToSign);
  });

  it('includes the HTTP method', () => {
    expect(rpcStringToSign('POST', publishedParams).startsWith('POST&%2F&')).toBe(true);
  });
});

describe('signV1', () => {
  it.each([
    ['the published vector', 'testsecret', 'GET', publishedParams, publishedV1.signature],
    [
      'the v7-sigv2 capture',
      v7Sigv2InvokeCommand.secret,
      'POST',
      decodeUrlEncoded(v7Sigv2InvokeCommand.request.url.split('?')[1] ?? ''),
      v7Sigv2InvokeCommand.signature,
    ],
    ['the pop-core form body capture', popCorePost.secret, 'POST', decodeUrlEncoded(popCorePost.request.body.toString()), popCorePost.signature],
  ])('reproduces %s', (_label, secret, method, params, expected) => {
    expect(signV1(secret, method, params)).toBe(expected);
  });

  it('gives a different signature for GET and POST of the same parameters', () => {
    expect(signV1('testsecret', 'POST', publishedParams)).not.toBe(signV1('testsecret', 'GET', publishedParams));
  });

  it('keys the HMAC with secret + "&"', () => {
    expect(signV1('testsecret&', 'GET', publishedParams)).not.toBe(publishedV1.signature);
  });
});
