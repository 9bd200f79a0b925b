import type { AuthFailure } from './auth-failure.js';

/** Outcome of recomputing a request's signature with the caller's secret. */
export interface SignatureCheck {
  readonly matched: boolean;
  /** The server's StringToSign, reported in `SignatureDoesNotMatch`. */
  readonly stringToSign: string;
}

/**
 * What a well-formed signed request claims, read by one signature scheme before any secret is
 * known: who signed it, what it calls, when, with which nonce, and how to check the signature.
 */
export interface SignedClaim {
  readonly scheme: 'v1' | 'v3';
  readonly accessKeyId: string;
  readonly action: string;
  readonly version: string;
  /** The request time exactly as sent (`Timestamp` or `x-acs-date`), not yet parsed. */
  readonly timestamp: string;
  readonly nonce: string;
  checkSignature(secret: string): SignatureCheck;
}

export type ClaimResult = { readonly ok: true; readonly claim: SignedClaim } | AuthFailure;
