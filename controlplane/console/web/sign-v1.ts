import { bytesToBase64 } from './base64.js';
import { percentEncode } from './percent-encode.js';

export type ParamPair = readonly [name: string, value: string];

/** The canonical query of the RPC signature: pairs sorted by name (code units), `name=value` joined by `&`. */
function canonicalQuery(params: readonly ParamPair[]): string {
  return [...params]
    .filter(([name]) => name !== 'Signature')
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}

/**
 * The classic RPC signature (V1, HMAC-SHA1), as cli/api-client.ts and the server compute it:
 * `base64(HMAC-SHA1(secret + "&", METHOD & %2F & percentEncode(canonicalQuery)))`, with WebCrypto
 * (available on loopback and HTTPS pages, the browser's "secure contexts").
 */
export async function signV1(secret: string, method: 'GET' | 'POST', params: readonly ParamPair[]): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(`${secret}&`), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const toSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
  return bytesToBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(toSign))));
}
