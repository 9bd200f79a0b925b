import { createHash, createHmac } from 'node:crypto';
import { canonicalQueryString, type ParamPair } from './canonical-query.js';

/**
 * The V3 (ACS3) signature algorithms this simulator verifies. `ACS3-HMAC-SM3` is the same
 * scheme with sm3 for the payload hash, the canonical-request hash and the HMAC (sdk-wire §3.1).
 * `ACS3-RSA-SHA256` needs a registered public key and is not supported.
 */
export const ACS3_ALGORITHMS = ['ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3'] as const;
export type Acs3Algorithm = (typeof ACS3_ALGORITHMS)[number];

export function isAcs3Algorithm(value: string): value is Acs3Algorithm {
  return (ACS3_ALGORITHMS as readonly string[]).includes(value);
}

const DIGEST: Record<Acs3Algorithm, 'sha256' | 'sm3'> = {
  'ACS3-HMAC-SHA256': 'sha256',
  'ACS3-HMAC-SM3': 'sm3',
};

/** What a V3 signature covers. */
export interface V3SigningInput {
  /** HTTP method as sent, e.g. `POST`. */
  readonly method: string;
  /** Request path; `/` for every RPC API. */
  readonly path: string;
  /** Decoded query parameters. The body never enters the canonical query. */
  readonly query: readonly ParamPair[];
  /** Exactly the headers to sign (name → value); names are lower-cased and sorted here. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Lower-hex digest of the body bytes with the algorithm's hash (sha256, or sm3 for
   * ACS3-HMAC-SM3), the value the SDK puts in `x-acs-content-sha256`.
   */
  readonly bodySha256Hex: string;
  readonly algorithm: Acs3Algorithm;
}

/** Lower-hex digest of `data` with the algorithm's hash (the HashedRequestPayload for a body). */
export function acs3Hash(algorithm: Acs3Algorithm, data: string | Buffer): string {
  return createHash(DIGEST[algorithm]).update(data).digest('hex');
}

/** CanonicalURI as the SDK builds it: the path with `+` → `%20`, `*` → `%2A`, `%7E` → `~`. */
export function canonicalUri(path: string): string {
  return path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/**
 * CanonicalHeaders and SignedHeaders: each name lower-cased, sorted; one `name:trimmed-value\n`
 * line per name (so the block ends with a newline). Values of one name given under different
 * spellings are trimmed, sorted and joined with `,`, as the SDK does.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): {
  block: string;
  signedHeaders: string;
} {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    grouped.set(key, [...(grouped.get(key) ?? []), value.trim()]);
  }
  const names = [...grouped.keys()].sort();
  const block = names.map((name) => `${name}:${(grouped.get(name) ?? []).sort().join(',')}\n`).join('');
  return { block, signedHeaders: names.join(';') };
}

/**
 * CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders
 * \n SignedHeaders \n HashedRequestPayload (spec §1.4, sdk-wire §3.1).
 */
export function v3CanonicalRequest(input: V3SigningInput): string {
  const { block, signedHeaders } = canonicalHeaders(input.headers);
  return [
    input.method,
    canonicalUri(input.path),
    canonicalQueryString(input.query),
    block,
    signedHeaders,
    input.bodySha256Hex,
  ].join('\n');
}

/** StringToSign = algorithm \n hex(hash(CanonicalRequest)). */
export function v3StringToSign(algorithm: Acs3Algorithm, canonicalRequest: string): string {
  return `${algorithm}\n${acs3Hash(algorithm, canonicalRequest)}`;
}

/** Lower-hex HMAC of a StringToSign with the algorithm's hash, keyed with the bare secret (no `&`). */
export function v3Hmac(secret: string, algorithm: Acs3Algorithm, stringToSign: string): string {
  return createHmac(DIGEST[algorithm], secret).update(stringToSign, 'utf8').digest('hex');
}

/** The V3 signature (lower hex) of a request. */
export function signV3(secret: string, input: V3SigningInput): string {
  return v3Hmac(secret, input.algorithm, v3StringToSign(input.algorithm, v3CanonicalRequest(input)));
}

/** The parts of an `Authorization: ACS3-… Credential=…,SignedHeaders=…,Signature=…` header. */
export interface Acs3Authorization {
  readonly algorithm: Acs3Algorithm;
  readonly accessKeyId: string;
  /** Lower-cased header names, in the order the client listed them. */
  readonly signedHeaders: readonly string[];
  /** Lower-hex, 64 digits. */
  readonly signature: string;
}

/** `ALG Credential=AK,SignedHeaders=a;b,Signature=hex`, exactly as the SDK writes it. */
export function formatAcs3Authorization(auth: Acs3Authorization): string {
  return `${auth.algorithm} Credential=${auth.accessKeyId},SignedHeaders=${auth.signedHeaders.join(';')},Signature=${auth.signature}`;
}

/**
 * Parses an ACS3 Authorization header; null when it is malformed: an unsupported algorithm, a
 * part missing, repeated or unknown, an empty header name, or a signature that is not 64 hex
 * digits. Parts may come in any order and may have spaces after the commas.
 */
export function parseAcs3Authorization(header: string): Acs3Authorization | null {
  const match = /^(\S+) +(\S.*)$/.exec(header.trim());
  if (!match) return null;
  const [, algorithm = '', rest = ''] = match;
  if (!isAcs3Algorithm(algorithm)) return null;
  const parts = new Map<string, string>();
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const name = part.slice(0, eq).trim();
    if (parts.has(name)) return null;
    parts.set(name, part.slice(eq + 1).trim());
  }
  const accessKeyId = parts.get('Credential');
  const signedHeaderList = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (parts.size !== 3 || !accessKeyId || !signedHeaderList || signature === undefined) return null;
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return null;
  const signedHeaders = signedHeaderList.split(';').map((name) => name.trim().toLowerCase());
  if (signedHeaders.some((name) => !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name))) return null;
  return { algorithm, accessKeyId, signedHeaders, signature: signature.toLowerCase() };
}
