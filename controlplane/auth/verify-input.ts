import type { ParamPair } from './canonical-query.js';

/** Request headers as node's `IncomingMessage.headers` gives them: lower-cased names. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Everything the signature check needs from one HTTP request. */
export interface VerifyInput {
  /** HTTP method as received, e.g. `POST` or `GET`. */
  readonly method: string;
  readonly headers: RequestHeaders;
  /** Query parameters, percent-decoded (`+` as space), in arrival order. */
  readonly queryParams: readonly ParamPair[];
  /** `application/x-www-form-urlencoded` body parameters, decoded the same way; else empty. */
  readonly bodyParams: readonly ParamPair[];
  /** The raw body bytes (covered by `x-acs-content-sha256` under V3). */
  readonly body: Buffer;
  /** The request path as received (default `/`, the path of every RPC API). */
  readonly path?: string;
}

/** A header's value; a repeated header's values are joined with `,`. Undefined when absent. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(',');
}
