import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError, ApiClient } from '../../cli/api-client.js';
import { API_ERRORS } from '../../controlplane/api/errors.js';
import { startServer, type RunningServer } from '../../controlplane/server.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, TEST_KEY, waitFor } from '../support/harness.js';

const RATE = 5;
let server: RunningServer;
let client: ApiClient;
const dataDir = mkdtempSync(join(tmpdir(), 'casim-throttle-'));

beforeAll(async () => {
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], apiRate: RATE, logger: createLogger('test-controlplane') });
  client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
});
afterAll(async () => {
  await server.close();
  removeDir(dataDir);
});

describe('back-pressure (CASIM_API_RATE)', () => {
  it('answers calls past the rate with 400 Throttling at once, instead of queueing them, and serves again once tokens refill', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => client.call('DescribeRegions', {}).then(() => 'ok', (error: unknown) => error)),
    );
    const ok = outcomes.filter((o) => o === 'ok').length;
    const refused = outcomes.filter((o): o is ApiCallError => o instanceof ApiCallError);
    // The burst (one second's worth) plus what refilled while the calls were answered.
    expect(ok).toBeGreaterThanOrEqual(RATE);
    expect(ok).toBeLessThan(20);
    expect(refused.length).toBe(40 - ok);
    for (const error of refused) {
      expect(error.status).toBe(400);
      expect(error.code).toBe('Throttling');
      expect(error.message).toContain(API_ERRORS.Throttling[1]);
    }
    await waitFor(() => client.call('DescribeRegions', {}).then(() => true, () => undefined), 5_000, 'a token');
  });
});
