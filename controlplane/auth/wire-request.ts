import { headerValue, type RequestHeaders, type VerifyInput } from './verify-input.js';

/** An HTTP request as it arrived: method, raw request-target (`/?a=b`), headers, body bytes. */
export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: RequestHeaders;
  readonly body: Buffer;
}

/**
 * Decodes `a=1&b=%20` the way the gateway does (`application/x-www-form-urlencoded`: `+` is a
 * space, `%XX` are UTF-8 bytes), keeping every pair in order. A leading `?` is ignored.
 */
export function decodeUrlEncoded(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text)];
}

/**
 * The verifier's view of a raw request: the query decoded, the body decoded as a form when its
 * content type is `application/x-www-form-urlencoded` (any parameters, e.g. charset, allowed).
 */
export function toVerifyInput(request: WireRequest): VerifyInput {
  const queryStart = request.url.indexOf('?');
  const path = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart < 0 ? '' : request.url.slice(queryStart + 1);
  return {
    method: request.method,
    headers: request.headers,
    path: path === '' ? '/' : path,
    queryParams: decodeUrlEncoded(query),
    bodyParams: isFormBody(request.headers) ? decodeUrlEncoded(request.body.toString('utf8')) : [],
    body: request.body,
  };
}

function isFormBody(headers: RequestHeaders): boolean {
  const mediaType = (headerValue(headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded';
}
