import { randomUUID } from 'node:crypto';
import { signV1 } from '../controlplane/auth/signature-v1.js';
import { formatApiTime } from '../shared/clock.js';

export interface ClientConfig {
  /** `http://127.0.0.1:8484` */
  server: string;
  accessKeyId: string;
  accessKeySecret: string;
  regionId: string;
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string,
  ) {
    super(`${code}: ${message} (HTTP ${status}, RequestId ${requestId})`);
  }
}

export type Params = Record<string, string | number | boolean | string[] | undefined>;

/** Flattens lists as `Name.1`, `Name.2`, … like the SDKs do (spec §1.2). */
function flatten(params: Params): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) value.forEach((item, i) => pairs.push([`${key}.${i + 1}`, item]));
    else pairs.push([key, String(value)]);
  }
  return pairs;
}

/** A small signed (HMAC-SHA1, V1) client for the casim CLI: POST with a form body. */
export class ApiClient {
  constructor(private readonly config: ClientConfig) {}

  async call<T = Record<string, unknown>>(action: string, params: Params = {}): Promise<T> {
    const pairs: Array<[string, string]> = [
      ['Action', action],
      ['Version', '2014-05-26'],
      ['Format', 'JSON'],
      ['AccessKeyId', this.config.accessKeyId],
      ['SignatureMethod', 'HMAC-SHA1'],
      ['SignatureVersion', '1.0'],
      ['SignatureNonce', randomUUID()],
      ['Timestamp', formatApiTime(new Date())],
      ['RegionId', this.config.regionId],
      ...flatten(params),
    ];
    pairs.push(['Signature', signV1(this.config.accessKeySecret, 'POST', pairs)]);
    const response = await fetch(this.config.server.replace(/\/$/, '') + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(pairs).toString(),
    });
    const body = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      throw new ApiCallError(response.status, String(body.Code), String(body.Message), String(body.RequestId));
    }
    return body as T;
  }
}
