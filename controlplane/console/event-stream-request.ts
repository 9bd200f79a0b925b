import { z } from 'zod';
import type { NonceCache } from '../auth/nonce-cache.js';
import { verifyRequest, type SecretLookup } from '../auth/verify-request.js';
import { toVerifyInput } from '../auth/wire-request.js';
import type { RequestHeaders } from '../auth/verify-input.js';

/** The Action a signed event-stream URL names (V1 signature over the query, like any RPC GET). */
export const EVENTS_ACTION = 'ConsoleEvents';
export const EVENTS_VERSION = '2014-05-26';

const SIGNATURE_PARAMS = ['Action', 'Version', 'Format', 'RegionId', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature'];

/** The filter a stream may carry besides its signature: one invocation, or all. */
const filterSchema = z
  .object({ InvokeId: z.string().regex(/^[a-z]-[a-z0-9]{1,40}$/).optional() })
  .strict();

export type EventStreamFilter = { readonly invokeId?: string };

export type EventStreamRequestResult =
  | { readonly ok: true; readonly filter: EventStreamFilter }
  | { readonly ok: false; readonly status: 400 | 403; readonly code: string; readonly message: string };

/**
 * Checks an event-stream request: a GET whose query is signed with an accepted key pair (V1
 * HMAC-SHA1, fresh timestamp and nonce: EventSource cannot send headers, so the signature is in
 * the URL and a stolen URL cannot be replayed), naming the `ConsoleEvents` action, with no
 * parameter beyond the signature's and an optional well-formed `InvokeId`, each at most once.
 */
export function checkEventStreamRequest(
  method: string,
  url: string,
  headers: RequestHeaders,
  lookupSecret: SecretLookup,
  nonces: NonceCache,
): EventStreamRequestResult {
  if (method !== 'GET') return { ok: false, status: 400, code: 'InvalidParameter', message: 'the event stream is a GET' };
  const input = toVerifyInput({ method, url, headers, body: Buffer.alloc(0) });
  const counts = new Map<string, number>();
  for (const [name] of input.queryParams) counts.set(name, (counts.get(name) ?? 0) + 1);
  const repeated = [...counts].find(([, count]) => count > 1);
  if (repeated) return { ok: false, status: 400, code: 'InvalidParameter', message: `parameter ${repeated[0]} appears more than once` };
  const filterInput = Object.fromEntries(input.queryParams.filter(([name]) => !SIGNATURE_PARAMS.includes(name)));
  const filter = filterSchema.safeParse(filterInput);
  if (!filter.success) return { ok: false, status: 400, code: 'InvalidParameter', message: 'only InvokeId (t-… or f-…) may filter the stream' };
  const auth = verifyRequest(input, lookupSecret, new Date(), nonces);
  if (!auth.ok) return { ok: false, status: 403, code: auth.error, message: 'the event stream needs a signed request' };
  if (auth.action !== EVENTS_ACTION || auth.version !== EVENTS_VERSION) {
    return { ok: false, status: 400, code: 'InvalidAction.NotFound', message: `sign the stream with Action=${EVENTS_ACTION}` };
  }
  return { ok: true, filter: filter.data.InvokeId === undefined ? {} : { invokeId: filter.data.InvokeId } };
}
