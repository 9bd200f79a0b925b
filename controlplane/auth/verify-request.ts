import { authFailure, type AuthErrorCode, type AuthFailure } from './auth-failure.js';
import type { NonceCache } from './nonce-cache.js';
import { checkRequestTime } from './request-time.js';
import { readV1Claim } from './v1-claim.js';
import { readV3Claim } from './v3-claim.js';
import { headerValue, type VerifyInput } from './verify-input.js';

export type { AuthErrorCode, AuthFailure, VerifyInput };

/** The secret of an AccessKeyId, or undefined when the key is unknown. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

/** An authenticated request: who signed it and which API it calls. */
export interface VerifySuccess {
  readonly ok: true;
  readonly scheme: 'v1' | 'v3';
  readonly accessKeyId: string;
  /** From `x-acs-action` (V3) or the `Action` parameter (V1); not checked against the API list. */
  readonly action: string;
  /** From `x-acs-version` (V3) or the `Version` parameter (V1); not checked either. */
  readonly version: string;
}

export type VerifyResult = VerifySuccess | AuthFailure;

/**
 * Authenticates one request. V3 (ACS3) when `authorization` starts with `ACS3-`, else classic
 * RPC V1. Checks, in order, each failing with its own code:
 * 1. the signature's pieces are present and well formed → IncompleteSignature
 *    (a missing action or version → MissingParameter.Action / MissingParameter.Version);
 * 2. the AccessKeyId is known → InvalidAccessKeyId.NotFound;
 * 3. the request time parses → InvalidTimeStamp.Format, and is within 15 min of `now`
 *    → InvalidTimeStamp.Expired;
 * 4. the signature, recomputed from the decoded then re-encoded parameters, matches
 *    → SignatureDoesNotMatch (detail: the server's StringToSign);
 * 5. the nonce is new for this key → SignatureNonceUsed. Last, so a request refused for any
 *    other reason does not use up its nonce.
 */
export function verifyRequest(
  input: VerifyInput,
  lookupSecret: SecretLookup,
  now: Date,
  nonceCache: NonceCache,
): VerifyResult {
  const read = isAcs3Request(input) ? readV3Claim(input) : readV1Claim(input);
  if (!read.ok) return read;
  const { claim } = read;

  const secret = lookupSecret(claim.accessKeyId);
  if (secret === undefined) return authFailure('InvalidAccessKeyId.NotFound', claim.accessKeyId);

  const timeCheck = checkRequestTime(claim.timestamp, now);
  if (!timeCheck.ok) return authFailure(timeCheck.error, claim.timestamp);
  const requestTime = timeCheck.time;

  const check = claim.checkSignature(secret);
  if (!check.matched) return authFailure('SignatureDoesNotMatch', check.stringToSign);

  if (!nonceCache.checkAndRemember(claim.accessKeyId, claim.nonce, now, requestTime)) {
    return authFailure('SignatureNonceUsed', claim.nonce);
  }
  return { ok: true, scheme: claim.scheme, accessKeyId: claim.accessKeyId, action: claim.action, version: claim.version };
}

/** A request is V3 when its Authorization header starts with `ACS3-` (sdk-wire §7). */
export function isAcs3Request(input: Pick<VerifyInput, 'headers'>): boolean {
  return (headerValue(input.headers, 'authorization') ?? '').trimStart().startsWith('ACS3-');
}
