import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, publicKeyFromRegistration, stringToSign, type SignedHeaders } from '../../../controlplane/real-agent/agent-signature.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const pemBase64 = Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');
const key = publicKeyFromRegistration(pemBase64);
const machineId = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const now = 1_796_107_608_608;

function signed(fields: Partial<SignedHeaders> = {}, signer = privateKey, signedMachine = machineId): SignedHeaders {
  const base = { instanceId: 'mi-probe40d1311e', timestamp: String(now), requestId: '0b3c1f4e-8a7d-4c2b-9e6f-1a2b3c4d5e6f', ...fields };
  const signature = sign('md5', Buffer.from(base.instanceId + signedMachine + base.timestamp + base.requestId), signer).toString('base64');
  return { ...base, signature, ...(fields.signature !== undefined ? { signature: fields.signature } : {}) };
}

describe('the real agent\'s request signature (spec §2.3)', () => {
  it('signs the plain concatenation instanceId + machineId + timestamp + requestId', () => {
    expect(stringToSign({ instanceId: 'mi-a', timestamp: '12', requestId: 'r' }, 'm')).toBe('mi-am12r');
  });

  const cases: Array<[string, SignedHeaders, ReturnType<typeof checkSignature>]> = [
    ['a valid signature', signed(), { ok: true }],
    ['a timestamp 4 minutes off', signed({ timestamp: String(now - 240_000) }), { ok: true }],
    ['a timestamp 6 minutes off', signed({ timestamp: String(now + 360_000) }), { ok: false, reason: 'clock-skew' }],
    ['a timestamp in seconds, not ms', signed({ timestamp: String(Math.floor(now / 1000)) }), { ok: false, reason: 'clock-skew' }],
    ['a non-numeric timestamp', signed({ timestamp: '17961076x8608' }), { ok: false, reason: 'bad-timestamp' }],
    ['another key', signed({}, other), { ok: false, reason: 'bad-signature' }],
    ['another machine id', signed({}, privateKey, 'ffffffffffffffffffffffffffffffff'), { ok: false, reason: 'bad-signature' }],
    ['a tampered request id', { ...signed(), requestId: 'another-id' }, { ok: false, reason: 'bad-signature' }],
    ['a tampered instance id', { ...signed(), instanceId: 'mi-other' }, { ok: false, reason: 'bad-signature' }],
    ['an empty signature (pri-key unreadable)', signed({ signature: '' }), { ok: false, reason: 'bad-signature' }],
    ['a signature that is not base64', signed({ signature: '!!!' }), { ok: false, reason: 'bad-signature' }],
    ['a truncated signature', { ...signed(), signature: signed().signature.slice(0, 40) }, { ok: false, reason: 'bad-signature' }],
  ];
  it.each(cases)('%s', (_name, headers, expected) => {
    expect(checkSignature(headers, machineId, key, now)).toEqual(expected);
  });

  it('reads the registration\'s publicKey as base64 of the PEM text, and refuses junk and non-RSA keys', () => {
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(() => publicKeyFromRegistration(Buffer.from('not a key').toString('base64'))).toThrow();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => publicKeyFromRegistration(Buffer.from(ec).toString('base64'))).toThrow(/not an RSA key/);
  });
});
