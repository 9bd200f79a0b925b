/**
 * Why a request failed authentication. Each is an Alibaba gateway error code (spec §1.7;
 * `InvalidTimeStamp.Format` is the gateway's code for an unparseable Timestamp / x-acs-date).
 * HTTP statuses and messages live in the API error catalog, not here.
 */
export type AuthErrorCode =
  | 'IncompleteSignature'
  | 'SignatureDoesNotMatch'
  | 'InvalidAccessKeyId.NotFound'
  | 'InvalidTimeStamp.Format'
  | 'InvalidTimeStamp.Expired'
  | 'SignatureNonceUsed'
  | 'MissingParameter.Action'
  | 'MissingParameter.Version';

/**
 * A refused request. `detail` says what was wrong, for logs; for `SignatureDoesNotMatch` it is
 * exactly the server's StringToSign, which the real message quotes
 * ("… server string to sign is:<StringToSign>").
 */
export interface AuthFailure {
  readonly ok: false;
  readonly error: AuthErrorCode;
  readonly detail?: string;
}

export function authFailure(error: AuthErrorCode, detail?: string): AuthFailure {
  return detail === undefined ? { ok: false, error } : { ok: false, error, detail };
}
