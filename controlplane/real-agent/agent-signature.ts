import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * The real agent's request signature (spec/real-agent-protocol.md §2.3): RSASSA-PKCS1-v1_5 with
 * MD5 over `instanceId + machineId + timestamp + requestId`, base64 in `x-acs-signature`. It
 * covers no method, path or body: it proves "holder of the registered key, recently". Pure.
 */
export interface SignedHeaders {
  instanceId: string;
  /** Milliseconds since the epoch, decimal. */
  timestamp: string;
  requestId: string;
  signature: string;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'bad-timestamp' | 'clock-skew' | 'bad-signature' };

/** Requests whose timestamp is further than this from the server's real clock are refused. */
export const SIGNATURE_SKEW_MS = 5 * 60_000;

export function stringToSign(headers: Pick<SignedHeaders, 'instanceId' | 'timestamp' | 'requestId'>, machineId: string): string {
  return `${headers.instanceId}${machineId}${headers.timestamp}${headers.requestId}`;
}

/** The PEM the agent sent at registration: base64 of the PEM text (§2.1). Throws on junk. */
export function publicKeyFromRegistration(base64Pem: string): KeyObject {
  const pem = Buffer.from(base64Pem, 'base64').toString('utf8');
  const key = createPublicKey({ key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`not an RSA key: ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

export function checkSignature(headers: SignedHeaders, machineId: string, publicKey: KeyObject, nowMs: number, skewMs = SIGNATURE_SKEW_MS): SignatureCheck {
  if (!/^\d{1,16}$/.test(headers.timestamp)) return { ok: false, reason: 'bad-timestamp' };
  if (Math.abs(Number(headers.timestamp) - nowMs) > skewMs) return { ok: false, reason: 'clock-skew' };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(headers.signature)) return { ok: false, reason: 'bad-signature' };
  const signature = Buffer.from(headers.signature, 'base64');
  let valid = false;
  try {
    valid = verify('md5', Buffer.from(stringToSign(headers, machineId), 'utf8'), publicKey, signature);
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
