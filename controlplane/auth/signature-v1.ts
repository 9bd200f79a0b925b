import { createHmac } from 'node:crypto';
import { canonicalQueryString, type ParamPair } from './canonical-query.js';
import { percentEncode } from './percent-encode.js';

/** The only `SignatureMethod` / `SignatureVersion` of the classic RPC signature. */
export const V1_SIGNATURE_METHOD = 'HMAC-SHA1';
export const V1_SIGNATURE_VERSION = '1.0';

/**
 * The classic RPC StringToSign (spec §1.6, sdk-wire §3.2):
 * `METHOD & percentEncode("/") & percentEncode(CanonicalizedQueryString)`, where the canonical
 * string covers every decoded parameter (query and form body) except `Signature`.
 */
export function rpcStringToSign(method: string, params: readonly ParamPair[]): string {
  const signed = params.filter(([name]) => name !== 'Signature');
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQueryString(signed))}`;
}

/** `base64(HMAC-SHA1(key = secret + "&", rpcStringToSign(method, params)))`. */
export function signV1(secret: string, method: string, params: readonly ParamPair[]): string {
  return signStringV1(secret, rpcStringToSign(method, params));
}

/** The signature of a StringToSign already made (the server makes it once to check and to report it). */
export function signStringV1(secret: string, stringToSign: string): string {
  return createHmac('sha1', `${secret}&`).update(stringToSign, 'utf8').digest('base64');
}
