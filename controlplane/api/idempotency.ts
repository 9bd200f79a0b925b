import { createHash } from 'node:crypto';
import type { ControlPlaneStore } from '../store/control-plane-store.js';
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

export type { ClientTokenRecord } from '../store/records.js';

/** The ClientTokens of calls still being processed, per store (one server). */
const inFlight = new WeakMap<ControlPlaneStore, Set<string>>();

/**
 * ClientToken idempotency: the same token with the same parameters returns the first result;
 * with different parameters it is IdempotentParameterMismatch; while the first call is still
 * being processed (a handler that waits, e.g. RunInstances starting machines) a repeat is
 * IdempotentProcessing (spec §3), never a second run of the work. For a synchronous handler the
 * call's writes and the token are committed in one transaction, and what the call triggers (a
 * task pushed to an agent) happens only after that commit: a crash or a failed commit leaves
 * neither a run nor a token, and a retry with the token never runs the script twice.
 */
export async function withClientToken(
  store: ControlPlaneStore,
  scope: { accessKeyId: string; action: string; token: string | undefined },
  params: RawParams,
  now: string,
  work: () => Body | Promise<Body>,
): Promise<Body> {
  const key = scope.token ? `${scope.accessKeyId}|${scope.action}|${scope.token}` : undefined;
  const fingerprint = key ? requestFingerprint(params) : '';
  const remember = (body: Body): void => {
    if (key) store.clientTokens.put({ key, fingerprint, body, creationTime: now });
  };
  const running = inFlight.get(store) ?? new Set<string>();
  inFlight.set(store, running);
  const outcome = store.transaction((): { body: Body } | { pending: Promise<Body> } => {
    if (key) {
      const previous = store.clientTokens.get(key);
      if (previous) {
        if (previous.fingerprint !== fingerprint) throw apiError('IdempotentParameterMismatch');
        return { body: previous.body };
      }
      if (running.has(key)) throw apiError('IdempotentProcessing');
    }
    const result = work();
    if (result instanceof Promise) return { pending: result };
    remember(result);
    return { body: result };
  });
  if ('body' in outcome) return outcome.body;
  // An asynchronous handler (Docker calls): its writes are its own; the token follows them.
  if (key) running.add(key);
  try {
    const body = await outcome.pending;
    remember(body);
    return body;
  } finally {
    if (key) running.delete(key);
  }
}
