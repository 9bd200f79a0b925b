import { randomUUID } from 'node:crypto';
import { signV1 } from '../../controlplane/auth/signature-v1.js';
import { formatApiTime } from '../../shared/clock.js';
import { TEST_KEY } from './harness.js';

/** One V1-signed call as a form body (POST), to send raw or to replay verbatim. */
export function signedForm(action: string, params: Record<string, string>): string {
  const pairs: Array<[string, string]> = [
    ['Action', action],
    ['Version', '2014-05-26'],
    ['Format', 'JSON'],
    ['AccessKeyId', TEST_KEY.id],
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['SignatureNonce', randomUUID()],
    ['Timestamp', formatApiTime(new Date())],
    ['RegionId', 'cn-hangzhou'],
    ...Object.entries(params),
  ];
  pairs.push(['Signature', signV1(TEST_KEY.secret, 'POST', pairs)]);
  return new URLSearchParams(pairs).toString();
}
