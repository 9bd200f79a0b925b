import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { signV1 } from '../controlplane/auth/signature-v1.js';
import { formatApiTime } from '../shared/clock.js';

export interface ClientConfig {
  /** `http://127.0.0.1:8484` */
  server: string;
  accessKeyId: string;
  accessKeySecret: string;
  regionId: string;
  /**
   * Reuse connections (as the SDKs do, with keep-alive). Off by default: the CLI's calls each
   * get a fresh connection, so no pooled socket outlives a restarted server.
   */
  keepAlive?: boolean;
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

/** One POST, on a fresh connection unless `agent` pools them. */
function post(server: string, form: string, agent: Agent | false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL('/', server),
      { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(form);
  });
}

/** A small signed (HMAC-SHA1, V1) client for the casim CLI: POST with a form body. */
export class ApiClient {
  private readonly agent: Agent | false;

  constructor(private readonly config: ClientConfig) {
    this.agent = config.keepAlive ? new Agent({ keepAlive: true }) : false;
  }

  /** Closes pooled connections (with keepAlive). */
  close(): void {
    if (this.agent) this.agent.destroy();
  }

  async call<T = Record<string, unknown>>(action: string, params: Params = {}): Promise<T> {
    const { status, text } = await this.send(action, params, 'JSON');
    const body = JSON.parse(text) as Record<string, unknown>;
    if (status >= 400) throw new ApiCallError(status, String(body.Code), String(body.Message), String(body.RequestId));
    return body as T;
  }

  /** The raw answer in the given Format (JSON or XML). */
  async send(action: string, params: Params, format: 'JSON' | 'XML'): Promise<{ status: number; text: string }> {
    const pairs: Array<[string, string]> = [
      ['Action', action],
      ['Version', '2014-05-26'],
      ['Format', format],
      ['AccessKeyId', this.config.accessKeyId],
      ['SignatureMethod', 'HMAC-SHA1'],
      ['SignatureVersion', '1.0'],
      ['SignatureNonce', randomUUID()],
      ['Timestamp', formatApiTime(new Date())],
      ['RegionId', this.config.regionId],
      ...flatten(params),
    ];
    pairs.push(['Signature', signV1(this.config.accessKeySecret, 'POST', pairs)]);
    return post(this.config.server, new URLSearchParams(pairs).toString(), this.agent);
  }
}
