import { authFailure } from './auth-failure.js';
import { constantTimeEqual } from './constant-time-equal.js';
import type { ClaimResult, SignatureCheck } from './signed-claim.js';
import {
  acs3Hash,
  parseAcs3Authorization,
  v3CanonicalRequest,
  v3Hmac,
  v3StringToSign,
  type Acs3Authorization,
} from './signature-v3.js';
import { headerValue, type VerifyInput } from './verify-input.js';
import { openRecord } from '../../shared/open-record.js';

/** Headers every V3 request must carry, and sign. */
const REQUIRED_HEADERS = ['host', 'x-acs-date', 'x-acs-content-sha256', 'x-acs-signature-nonce'] as const;

/**
 * Reads a V3 (ACS3-HMAC-SHA256 / ACS3-HMAC-SM3) request (spec §1.4, sdk-wire §3.1). The action
 * and version come from `x-acs-action` / `x-acs-version`; the canonical query covers the query
 * only; the body is covered by `x-acs-content-sha256`, which must equal the hash of the body.
 *
 * Besides the required headers, the headers the server acts on must be signed: `x-acs-action`,
 * `x-acs-version`, `x-acs-accesskey-id` and `x-acs-security-token` when present, and
 * `content-type` when there is a body (it decides how the body is parsed).
 */
export function readV3Claim(input: VerifyInput): ClaimResult {
  const auth = parseAcs3Authorization(headerValue(input.headers, 'authorization') ?? '');
  if (!auth) return authFailure('IncompleteSignature', 'malformed or unsupported ACS3 Authorization header');

  for (const name of REQUIRED_HEADERS) {
    if (!headerValue(input.headers, name)?.trim()) return authFailure('IncompleteSignature', `header ${name} is missing`);
  }
  const action = headerValue(input.headers, 'x-acs-action')?.trim();
  if (!action) return authFailure('MissingParameter.Action', 'header x-acs-action is missing');
  const version = headerValue(input.headers, 'x-acs-version')?.trim();
  if (!version) return authFailure('MissingParameter.Version', 'header x-acs-version is missing');

  for (const name of mustBeSigned(input)) {
    if (!auth.signedHeaders.includes(name)) return authFailure('IncompleteSignature', `header ${name} is not signed`);
  }
  for (const name of auth.signedHeaders) {
    if (headerValue(input.headers, name) === undefined) {
      return authFailure('IncompleteSignature', `signed header ${name} is not in the request`);
    }
  }
  const stsKeyId = headerValue(input.headers, 'x-acs-accesskey-id')?.trim();
  if (stsKeyId !== undefined && stsKeyId !== auth.accessKeyId) {
    return authFailure('IncompleteSignature', 'x-acs-accesskey-id does not match the Authorization Credential');
  }
  const contentHash = headerValue(input.headers, 'x-acs-content-sha256')?.trim() ?? '';
  if (!/^[0-9a-f]{64}$/.test(contentHash)) {
    return authFailure('IncompleteSignature', 'x-acs-content-sha256 is not 64 lower-case hex digits');
  }

  return {
    ok: true,
    claim: {
      scheme: 'v3',
      accessKeyId: auth.accessKeyId,
      action,
      version,
      timestamp: headerValue(input.headers, 'x-acs-date')?.trim() ?? '',
      nonce: headerValue(input.headers, 'x-acs-signature-nonce')?.trim() ?? '',
      checkSignature: (secret) => checkV3Signature(input, auth, contentHash, secret),
    },
  };
}

function mustBeSigned(input: VerifyInput): string[] {
  const names: string[] = [...REQUIRED_HEADERS, 'x-acs-action', 'x-acs-version'];
  for (const optional of ['x-acs-accesskey-id', 'x-acs-security-token']) {
    if (headerValue(input.headers, optional) !== undefined) names.push(optional);
  }
  if (input.body.length > 0 && headerValue(input.headers, 'content-type') !== undefined) names.push('content-type');
  return names;
}

/**
 * Recomputes the signature over the request as received. The payload hash is the server's own
 * hash of the body, so a body that does not match `x-acs-content-sha256` never verifies.
 */
function checkV3Signature(input: VerifyInput, auth: Acs3Authorization, contentHash: string, secret: string): SignatureCheck {
  const bodyHash = acs3Hash(auth.algorithm, input.body);
  const headers = openRecord<string>();
  for (const name of auth.signedHeaders) headers[name] = headerValue(input.headers, name) ?? '';
  const canonicalRequest = v3CanonicalRequest({
    method: input.method,
    path: input.path ?? '/',
    query: input.queryParams,
    headers,
    bodySha256Hex: bodyHash,
    algorithm: auth.algorithm,
  });
  const stringToSign = v3StringToSign(auth.algorithm, canonicalRequest);
  const expected = v3Hmac(secret, auth.algorithm, stringToSign);
  return { matched: contentHash === bodyHash && constantTimeEqual(expected, auth.signature), stringToSign };
}
