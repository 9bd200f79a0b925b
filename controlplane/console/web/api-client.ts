import type { Credentials } from './credentials.js';
import { asObject, str, type JsonObject } from './json-read.js';
import { signV1, type ParamPair } from './sign-v1.js';

export const API_VERSION = '2014-05-26';

export type ParamValue = string | number | boolean | readonly string[] | undefined;
export type Params = Readonly<Record<string, ParamValue>>;

/** An error answer of the API: its Code, Message and RequestId. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly requestId: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Lists become `Name.1`, `Name.2`, … as the SDKs send them. */
function flatten(params: Params): ParamPair[] {
  const pairs: ParamPair[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') pairs.push([key, String(value)]);
    else value.forEach((item, i) => pairs.push([`${key}.${i + 1}`, item]));
  }
  return pairs;
}

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `2026-12-01T10:00:00Z`: the RPC Timestamp (whole seconds, UTC). */
function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Signed RPC calls from the page (V1 HMAC-SHA1, POST with a form body), like cli/api-client.ts. */
export class ConsoleApi {
  constructor(readonly credentials: Credentials) {}

  async #signed(method: 'GET' | 'POST', action: string, params: Params): Promise<ParamPair[]> {
    const pairs: ParamPair[] = [
      ['Action', action],
      ['Version', API_VERSION],
      ['Format', 'JSON'],
      ['AccessKeyId', this.credentials.accessKeyId],
      ['SignatureMethod', 'HMAC-SHA1'],
      ['SignatureVersion', '1.0'],
      ['SignatureNonce', nonce()],
      ['Timestamp', timestamp()],
      ['RegionId', this.credentials.regionId],
      ...flatten(params),
    ];
    pairs.push(['Signature', await signV1(this.credentials.accessKeySecret, method, pairs)]);
    return pairs;
  }

  /** Calls `action`; resolves with the JSON answer or rejects with an ApiError. */
  async call(action: string, params: Params = {}): Promise<JsonObject> {
    const body = new URLSearchParams((await this.#signed('POST', action, params)).map(([k, v]) => [k, v]));
    const response = await fetch('/', { method: 'POST', body, headers: { accept: 'application/json' }, credentials: 'omit', cache: 'no-store' });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'InvalidResponse', `not JSON (HTTP ${response.status})`, '');
    }
    const answer = asObject(parsed);
    if (!response.ok) throw new ApiError(response.status, str(answer, 'Code') || `HTTP${response.status}`, str(answer, 'Message'), str(answer, 'RequestId'));
    return answer;
  }

  /** A one-use signed GET URL for `path` (the event stream: EventSource cannot send headers). */
  async signedUrl(path: string, action: string, params: Params = {}): Promise<string> {
    const query = new URLSearchParams((await this.#signed('GET', action, params)).map(([k, v]) => [k, v]));
    return `${path}?${query.toString()}`;
  }
}
