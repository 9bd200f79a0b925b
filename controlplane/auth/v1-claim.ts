import { authFailure, type AuthErrorCode, type AuthFailure } from './auth-failure.js';
import type { ParamPair } from './canonical-query.js';
import { constantTimeEqual } from './constant-time-equal.js';
import type { ClaimResult } from './signed-claim.js';
import { rpcStringToSign, signStringV1, V1_SIGNATURE_METHOD, V1_SIGNATURE_VERSION } from './signature-v1.js';
import type { VerifyInput } from './verify-input.js';

/** Common parameters whose absence leaves the signature incomplete, in the order they are checked. */
const SIGNATURE_PARAMS = ['Signature', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'] as const;

/**
 * Reads a classic RPC (HMAC-SHA1, SignatureVersion 1.0) request: every parameter, query and
 * form body together, minus `Signature`, is signed (spec §1.6, sdk-wire §3.2). Each common
 * parameter must appear exactly once and be non-empty.
 */
export function readV1Claim(input: VerifyInput): ClaimResult {
  const params: readonly ParamPair[] = [...input.queryParams, ...input.bodyParams];
  const values = new Map<string, string>();
  for (const name of SIGNATURE_PARAMS) {
    const value = single(params, name, 'IncompleteSignature');
    if (typeof value !== 'string') return value;
    values.set(name, value);
  }
  if (values.get('SignatureMethod') !== V1_SIGNATURE_METHOD) {
    return authFailure('IncompleteSignature', `unsupported SignatureMethod "${values.get('SignatureMethod')}"`);
  }
  if (values.get('SignatureVersion') !== V1_SIGNATURE_VERSION) {
    return authFailure('IncompleteSignature', `unsupported SignatureVersion "${values.get('SignatureVersion')}"`);
  }
  const action = single(params, 'Action', 'MissingParameter.Action');
  if (typeof action !== 'string') return action;
  const version = single(params, 'Version', 'MissingParameter.Version');
  if (typeof version !== 'string') return version;

  const signature = values.get('Signature') ?? '';
  return {
    ok: true,
    claim: {
      scheme: 'v1',
      accessKeyId: values.get('AccessKeyId') ?? '',
      action,
      version,
      timestamp: values.get('Timestamp') ?? '',
      nonce: values.get('SignatureNonce') ?? '',
      checkSignature: (secret) => {
        const stringToSign = rpcStringToSign(input.method, params);
        return { matched: constantTimeEqual(signStringV1(secret, stringToSign), signature), stringToSign };
      },
    },
  };
}

/** The one non-empty value of `name`, or the failure `whenMissing` (a repeat is incomplete too). */
function single(params: readonly ParamPair[], name: string, whenMissing: AuthErrorCode): string | AuthFailure {
  const found = params.filter(([key]) => key === name);
  if (found.length > 1) return authFailure('IncompleteSignature', `parameter ${name} appears ${found.length} times`);
  const value = found[0]?.[1];
  if (!value) return authFailure(whenMissing, `parameter ${name} is missing or empty`);
  return value;
}
