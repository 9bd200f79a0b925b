import { percentEncode } from './percent-encode.js';

/** One decoded request parameter, `[name, value]`, in the order it arrived. */
export type ParamPair = readonly [name: string, value: string];

/**
 * The canonicalised parameter string shared by both signature versions: the pairs sorted by
 * (decoded) name, each written `percentEncode(name) + "=" + percentEncode(value)`, joined with
 * `&`. An empty value gives `name=`. Pairs with the same name keep their arrival order.
 *
 * V1 calls this the CanonicalizedQueryString (spec §1.6), V3 the CanonicalQueryString (§1.4).
 * The SDKs sort the raw names; ECS names use only `[A-Za-z0-9.]`, where that is the same order.
 */
export function canonicalQueryString(params: readonly ParamPair[]): string {
  return [...params]
    .sort((a, b) => compareCodeUnits(a[0], b[0]))
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}

function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
