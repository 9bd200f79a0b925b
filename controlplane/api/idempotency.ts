import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';
import { apiError } from './errors.js';
import type { RawParams } from './request-params.js';
import type { Body } from './views.js';

/** Parameters that belong to the request envelope, not to what the call asks for. */
const ENVELOPE = new Set([
  'Action', 'Version', 'Format', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion',
  'SignatureNonce', 'Timestamp', 'SecurityToken', 'ClientToken',
]);

/** A digest of the call's own parameters, independent of their order. Pure. */
export function requestFingerprint(params: RawParams): string {
  const pairs = [...params].filter(([key]) => !ENVELOPE.has(key)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(pairs)).digest('hex');
}

export interface ClientTokenRecord {
  key: string;
  fingerprint: string;
  body: Body;
  creationTime: string;
}

/** The ClientTokens of calls still being processed, per store (one server). */
const inFlight = new WeakMap<Store, Set<string>>();

/**
 * ClientToken idempotency: the same token with the same parameters returns the first result;
 * with different parameters it is IdempotentParameterMismatch; while the first call is still
 * being processed (a handler that waits, e.g. RunInstances starting machines) a repeat is
 * IdempotentProcessing (spec §3), never a second run of the work.
 */
export async function withClientToken(
  store: Store,
  scope: { accessKeyId: string; action: string; token: string | undefined },
  params: RawParams,
  now: string,
  work: () => Body | Promise<Body>,
): Promise<Body> {
  if (!scope.token) return work();
  const key = `${scope.accessKeyId}|${scope.action}|${scope.token}`;
  const fingerprint = requestFingerprint(params);
  const previous = store.clientTokens.get(key);
  if (previous) {
    if (previous.fingerprint !== fingerprint) throw apiError('IdempotentParameterMismatch');
    return previous.body;
  }
  const running = inFlight.get(store) ?? new Set<string>();
  inFlight.set(store, running);
  if (running.has(key)) throw apiError('IdempotentProcessing');
  running.add(key);
  try {
    const body = await work();
    store.clientTokens.put({ key, fingerprint, body, creationTime: now });
    return body;
  } finally {
    running.delete(key);
  }
}
