/**
 * Requests exactly as they arrived on the wire, copied from the spec:
 * cloud-assistant-api.md §1.4 / §1.6 (published vectors) and sdk-wire.md §3.1 / §6 (captures).
 * Not a test file: shared fixtures for the auth tests.
 */
import type { WireRequest } from '../../../controlplane/auth/wire-request.js';

export interface Capture {
  readonly name: string;
  readonly accessKeyId: string;
  readonly secret: string;
  /** The capture time, used as the server's `now`. */
  readonly now: Date;
  readonly scheme: 'v1' | 'v3';
  readonly action: string;
  readonly signature: string;
  readonly request: WireRequest;
}

export const FAKE_AK = 'LTAI5tFakeAccessKeyId0001';
export const FAKE_SECRET = 'FakeAccessKeySecret0123456789abc';
export const CAPTURE_TIME = new Date('2026-11-22T10:36:40Z');
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const TEA_SIGNED = 'host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version';

/** spec §1.6: the published classic RPC vector (GET DescribeRegions, testid / testsecret). */
export const publishedV1: Capture = {
  name: 'published V1 vector (GET DescribeRegions)',
  accessKeyId: 'testid',
  secret: 'testsecret',
  now: new Date('2016-02-23T12:46:24Z'),
  scheme: 'v1',
  action: 'DescribeRegions',
  signature: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=',
  request: {
    method: 'GET',
    url:
      '/?AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1' +
      '&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0' +
      '&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D',
    headers: { host: 'ecs.aliyuncs.com' },
    body: Buffer.alloc(0),
  },
};

/** spec §1.4: the published V3 vector (POST RunInstances on ecs.cn-shanghai). */
export const publishedV3: Capture = {
  name: 'published V3 vector (POST RunInstances)',
  accessKeyId: 'YourAccessKeyId',
  secret: 'YourAccessKeySecret',
  now: new Date('2023-10-26T09:01:01Z'),
  scheme: 'v3',
  action: 'RunInstances',
  signature: 'e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804',
  request: {
    method: 'POST',
    url: '/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
    headers: {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      'x-acs-action': 'RunInstances',
      'x-acs-content-sha256': EMPTY_SHA256,
      'x-acs-date': '2023-10-26T09:01:01Z',
      'x-acs-signature-nonce': 'd410180a5abf7fe235dd9b74aca91fc0',
      'x-acs-version': '2014-05-26',
      authorization:
        'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804',
    },
    body: Buffer.alloc(0),
  },
};

function teaHeaders(action: string, nonce: string, signature: string): Record<string, string> {
  return {
    host: '127.0.0.1:38525',
    'x-acs-version': '2014-05-26',
    'x-acs-action': action,
    'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
    'x-acs-date': '2026-11-22T10:36:40Z',
    'x-acs-signature-nonce': nonce,
    accept: 'application/json',
    'x-acs-content-sha256': EMPTY_SHA256,
    'x-acs-credentials-provider': 'static_ak',
    authorization: `ACS3-HMAC-SHA256 Credential=${FAKE_AK},SignedHeaders=${TEA_SIGNED},Signature=${signature}`,
    connection: 'keep-alive',
    'content-length': '0',
  };
}

/**
 * sdk-wire §3.1: v7 CreateCommand. The spec gives its canonical request; the wire query is
 * rebuilt from it with the wire's Description verbatim (raw `* ! ( ) ~`, encoded `'`).
 */
export const v7CreateCommand: Capture = {
  name: 'ecs20140526 v7 CreateCommand (ACS3)',
  accessKeyId: FAKE_AK,
  secret: FAKE_SECRET,
  now: CAPTURE_TIME,
  scheme: 'v3',
  action: 'CreateCommand',
  signature: '5ef1f13ea9e0f3f7e837aa79b2b436a20129ea7ffcb23d496867fdada900978b',
  request: {
    method: 'POST',
    url:
      '/?CommandContent=IyEvYmluL2Jhc2gKZWNobyAiaGVsbG8ge3tuYW1lfX0iICYmIGxzIC1sYSAvdG1wCg%3D%3D&ContentEncoding=Base64' +
      '&Description=desc%20with%20space*star~tilde!bang%27quote(paren)%2Bplus%2Fslash%26amp%3Deq%20%E4%B8%AD%E6%96%87' +
      '&EnableParameter=true&Name=probe%20cmd&RegionId=cn-hangzhou&Tag.1.Key=env&Tag.1.Value=test&Tag.2.Key=team' +
      '&Tag.2.Value=a%20b&Timeout=60&Type=RunShellScript&WorkingDir=%2Froot',
    headers: teaHeaders(
      'CreateCommand',
      '02ef7b80df0031d2a7c93a27bf346c544751e17ef47dfae36f2d0d09b306b32a',
      '5ef1f13ea9e0f3f7e837aa79b2b436a20129ea7ffcb23d496867fdada900978b',
    ),
    body: Buffer.alloc(0),
  },
};

/** The canonical request sdk-wire §3.1 prints for v7CreateCommand. */
export const v7CreateCommandCanonicalRequest = [
  'POST',
  '/',
  'CommandContent=IyEvYmluL2Jhc2gKZWNobyAiaGVsbG8ge3tuYW1lfX0iICYmIGxzIC1sYSAvdG1wCg%3D%3D&ContentEncoding=Base64&Description=desc%20with%20space%2Astar~tilde%21bang%27quote%28paren%29%2Bplus%2Fslash%26amp%3Deq%20%E4%B8%AD%E6%96%87&EnableParameter=true&Name=probe%20cmd&RegionId=cn-hangzhou&Tag.1.Key=env&Tag.1.Value=test&Tag.2.Key=team&Tag.2.Value=a%20b&Timeout=60&Type=RunShellScript&WorkingDir=%2Froot',
  'host:127.0.0.1:38525',
  'x-acs-action:CreateCommand',
  `x-acs-content-sha256:${EMPTY_SHA256}`,
  'x-acs-credentials-provider:static_ak',
  'x-acs-date:2026-11-22T10:36:40Z',
  'x-acs-signature-nonce:02ef7b80df0031d2a7c93a27bf346c544751e17ef47dfae36f2d0d09b306b32a',
  'x-acs-version:2014-05-26',
  '',
  TEA_SIGNED,
  EMPTY_SHA256,
].join('\n');

/** sdk-wire §6: v7 InvokeCommand (ACS3), literal. */
export const v7InvokeCommand: Capture = {
  name: 'ecs20140526 v7 InvokeCommand (ACS3)',
  accessKeyId: FAKE_AK,
  secret: FAKE_SECRET,
  now: CAPTURE_TIME,
  scheme: 'v3',
  action: 'InvokeCommand',
  signature: '868eef089770c1adbe2a2c40ddfde706bc970f86810e98af589efe63f7405413',
  request: {
    method: 'POST',
    url:
      '/?CommandId=c-hz01b2c3d4e5f6g7h8&Frequency=0%20*%2F20%20*%20*%20*%20*&InstanceId.1=i-bp1abcdefghijklmnop1' +
      '&InstanceId.2=i-bp1abcdefghijklmnop2&Parameters=%7B%22name%22%3A%22world%22%2C%22count%22%3A3%2C%22flag%22%3Atrue%2C%22list%22%3A%5B%22x%22%2C%22y%22%5D%7D' +
      '&RegionId=cn-hangzhou&RepeatMode=Period&Tag.1.Key=env&Tag.1.Value=test&Timed=true&Timeout=120&Username=root',
    headers: teaHeaders(
      'InvokeCommand',
      '46bd516f61aa4f0ccda9a89a64e96e64ccade86e2d77b71dc1c3d85692699ef3',
      '868eef089770c1adbe2a2c40ddfde706bc970f86810e98af589efe63f7405413',
    ),
    body: Buffer.alloc(0),
  },
};

/** sdk-wire §6: v7 InvokeCommand with `signatureAlgorithm: 'v2'` (HMAC-SHA1, all in the query), literal. */
export const v7Sigv2InvokeCommand: Capture = {
  name: 'ecs20140526 v7 sigv2 InvokeCommand (HMAC-SHA1 query)',
  accessKeyId: FAKE_AK,
  secret: FAKE_SECRET,
  now: CAPTURE_TIME,
  scheme: 'v1',
  action: 'InvokeCommand',
  signature: 'Ubuzxc9j8FotR4ES42Ao51p/G+g=',
  request: {
    method: 'POST',
    url:
      '/?Action=InvokeCommand&Format=json&Version=2014-05-26&Timestamp=2026-11-22T10%3A36%3A40Z' +
      '&SignatureNonce=315f6c6632e5ffa4c59792fac0f37b3cb4494c6eb8f2e3f451a80d4168e97aab&CommandId=c-hz01b2c3d4e5f6g7h8' +
      '&Frequency=0%20*%2F20%20*%20*%20*%20*&InstanceId.1=i-bp1abcdefghijklmnop1&InstanceId.2=i-bp1abcdefghijklmnop2' +
      '&Parameters=%7B%22name%22%3A%22world%22%2C%22count%22%3A3%2C%22flag%22%3Atrue%2C%22list%22%3A%5B%22x%22%2C%22y%22%5D%7D' +
      '&RegionId=cn-hangzhou&RepeatMode=Period&Tag.1.Key=env&Tag.1.Value=test&Timed=true&Timeout=120&Username=root' +
      '&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&AccessKeyId=LTAI5tFakeAccessKeyId0001&Signature=Ubuzxc9j8FotR4ES42Ao51p%2FG%2Bg%3D',
    headers: {
      host: '127.0.0.1:38525',
      'x-acs-version': '2014-05-26',
      'x-acs-action': 'InvokeCommand',
      'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
      'x-acs-credentials-provider': 'static_ak',
      connection: 'keep-alive',
      'content-length': '0',
    },
    body: Buffer.alloc(0),
  },
};

/** The StringToSign sdk-wire §6 prints for v7Sigv2InvokeCommand. */
export const v7Sigv2StringToSign =
  'POST&%2F&AccessKeyId%3DLTAI5tFakeAccessKeyId0001%26Action%3DInvokeCommand%26CommandId%3Dc-hz01b2c3d4e5f6g7h8%26Format%3Djson%26Frequency%3D0%2520%252A%252F20%2520%252A%2520%252A%2520%252A%2520%252A%26InstanceId.1%3Di-bp1abcdefghijklmnop1%26InstanceId.2%3Di-bp1abcdefghijklmnop2%26Parameters%3D%257B%2522name%2522%253A%2522world%2522%252C%2522count%2522%253A3%252C%2522flag%2522%253Atrue%252C%2522list%2522%253A%255B%2522x%2522%252C%2522y%2522%255D%257D%26RegionId%3Dcn-hangzhou%26RepeatMode%3DPeriod%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D315f6c6632e5ffa4c59792fac0f37b3cb4494c6eb8f2e3f451a80d4168e97aab%26SignatureVersion%3D1.0%26Tag.1.Key%3Denv%26Tag.1.Value%3Dtest%26Timed%3Dtrue%26Timeout%3D120%26Timestamp%3D2026-11-22T10%253A36%253A40Z%26Username%3Droot%26Version%3D2014-05-26';

const POP_BODY =
  'AccessKeyId=LTAI5tFakeAccessKeyId0001&Action=InvokeCommand&CommandId=c-hz01b2c3d4e5f6g7h8&Format=JSON' +
  '&Frequency=0%20%2A%2F20%20%2A%20%2A%20%2A%20%2A&InstanceId.1=i-bp1abcdefghijklmnop1&InstanceId.2=i-bp1abcdefghijklmnop2' +
  '&Parameters=%7B%22name%22%3A%22world%22%2C%22count%22%3A3%7D&RegionId=cn-hangzhou&RepeatMode=Period' +
  '&SignatureMethod=HMAC-SHA1&SignatureNonce=7eb644b648c4a841a0295bbffb4c1772&SignatureVersion=1.0&Tag.1.Key=env' +
  '&Tag.1.Value=test&Tag.2.Key=team&Tag.2.Value=a%20b&Timed=true&Timestamp=2026-11-22T10%3A36%3A40Z&Username=root' +
  '&Version=2014-05-26&Signature=zgNSw9ZZM9JDrJPDI%2B37UZcsXjU%3D';

/** sdk-wire §6: pop-core `request('InvokeCommand', params, {method: 'POST'})`, form body, literal. */
export const popCorePost: Capture = {
  name: 'pop-core InvokeCommand (POST form body)',
  accessKeyId: FAKE_AK,
  secret: FAKE_SECRET,
  now: CAPTURE_TIME,
  scheme: 'v1',
  action: 'InvokeCommand',
  signature: 'zgNSw9ZZM9JDrJPDI+37UZcsXjU=',
  request: {
    method: 'POST',
    url: '/',
    headers: {
      'x-sdk-client': 'Node.js(v20.20.2), @alicloud/pop-core: 1.8.0',
      'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0',
      'x-acs-action': 'InvokeCommand',
      'x-acs-version': '2014-05-26',
      'content-type': 'application/x-www-form-urlencoded',
      host: '127.0.0.1:38525',
      connection: 'keep-alive',
      'content-length': String(Buffer.byteLength(POP_BODY)),
    },
    body: Buffer.from(POP_BODY, 'utf8'),
  },
};

const GENERIC_BODY =
  'RegionId=cn-hangzhou&CommandId=c-x&InstanceId.1=i-1&InstanceId.2=i-2&Parameters=%7B%22a%22%3A%22b%20c%22%7D';

/**
 * sdk-wire §6: generic openapi-client `callApi` ACS3 with a form body (chunked), literal: the one
 * capture with a signed content-type, an empty canonical query and a non-empty payload hash.
 */
export const genericAcs3FormBody: Capture = {
  name: 'openapi-client generic InvokeCommand (ACS3, form body)',
  accessKeyId: FAKE_AK,
  secret: FAKE_SECRET,
  now: new Date('2026-11-22T10:38:09Z'),
  scheme: 'v3',
  action: 'InvokeCommand',
  signature: 'cdff52b1a14cf7e27ca232ecfe2b51acf5b410a934faada0f212df4473f75cb7',
  request: {
    method: 'POST',
    url: '/',
    headers: {
      host: '127.0.0.1:33617',
      'x-acs-version': '2014-05-26',
      'x-acs-action': 'InvokeCommand',
      'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/1',
      'x-acs-date': '2026-11-22T10:38:09Z',
      'x-acs-signature-nonce': 'f2dac681cd6af50658d81bcf258d4a09',
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      'x-acs-content-sha256': '9a7e48e2ec1c83a83b751b0f2c8ab28338b495ea72e553c15a4b345aca999e1b',
      'x-acs-credentials-provider': 'static_ak',
      authorization:
        'ACS3-HMAC-SHA256 Credential=LTAI5tFakeAccessKeyId0001,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=cdff52b1a14cf7e27ca232ecfe2b51acf5b410a934faada0f212df4473f75cb7',
      connection: 'keep-alive',
      'transfer-encoding': 'chunked',
    },
    body: Buffer.from(GENERIC_BODY, 'utf8'),
  },
};

export const ALL_CAPTURES: readonly Capture[] = [
  publishedV1,
  publishedV3,
  v7CreateCommand,
  v7InvokeCommand,
  v7Sigv2InvokeCommand,
  popCorePost,
  genericAcs3FormBody,
];
