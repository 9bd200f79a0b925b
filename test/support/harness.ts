import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { ApiClient, type Params } from '../../cli/api-client.js';
import type { Fleet } from '../../controlplane/fleet/fleet.js';
import { startServer, type RunningServer } from '../../controlplane/server.js';
import type { Clock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { FINAL_STATUSES } from '../../controlplane/invocations/aggregate-status.js';

export const TEST_KEY = { id: 'test-key-id', secret: 'test-key-secret' };

export interface TestServer {
  server: RunningServer;
  client: ApiClient;
  dataDir: string;
  close(): Promise<void>;
}

/** A real control plane on a random loopback port with its SQLite file in a temp dir. */
export async function startTestServer(options: { dataDir?: string; fleet?: Fleet | 'docker'; clock?: Clock } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'casim-test-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    accessKeys: [TEST_KEY],
    fleet: options.fleet,
    clock: options.clock,
    logger: createLogger('test-controlplane'),
  });
  const client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
  return { server, client, dataDir, close: () => server.close() };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface LocalAgent {
  agent: Agent;
  instanceId: string;
  stateDir: string;
}

/** A real agent in this process (real WebSocket, real PTYs), registered through an activation. */
export async function startLocalAgent(test: TestServer, name?: string, activation: Params = {}): Promise<LocalAgent> {
  const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {
    InstanceCount: 1,
    ...activation,
  });
  const stateDir = mkdtempSync(join(tmpdir(), 'casim-agent-'));
  const agent = new Agent({
    server: test.server.url,
    stateDir,
    activation: { id: ActivationId, code: ActivationCode },
    name,
    logger: createLogger('test-agent'),
  });
  agent.start();
  const instanceId = await waitFor(() => (agent.instanceId && test.server.sessions.isConnected(agent.instanceId) ? agent.instanceId : undefined), 10_000, 'agent registration');
  return { agent, instanceId, stateDir };
}

interface ResultsBody {
  Invocation: {
    TotalCount: number;
    InvocationResults: { InvocationResult: Array<Record<string, unknown> & { InstanceId: string; InvocationStatus: string; Output: string }> };
  };
}

const FINAL = FINAL_STATUSES;

/** Polls DescribeInvocationResults (PlainText) until every instance has a final status. */
export async function waitForResults(client: Pick<ApiClient, 'call'>, invokeId: string, timeoutMs = 30_000): Promise<ResultsBody['Invocation']['InvocationResults']['InvocationResult']> {
  return waitFor(async () => {
    const body = await client.call<ResultsBody>('DescribeInvocationResults', { InvokeId: invokeId, ContentEncoding: 'PlainText' });
    const results = body.Invocation.InvocationResults.InvocationResult;
    return results.length > 0 && results.every((r) => FINAL.has(r.InvocationStatus)) ? results : undefined;
  }, timeoutMs, `results of ${invokeId}`);
}

/**
 * One server and one registered local agent for a whole test file: started before the first
 * test, stopped and removed after the last. Read `env.test` / `env.local` inside tests.
 */
export function useServerWithAgent(agentName: string, options: { clock?: Clock } = {}): { readonly test: TestServer; readonly local: LocalAgent } {
  const env = {} as { test: TestServer; local: LocalAgent };
  beforeAll(async () => {
    env.test = await startTestServer(options);
    env.local = await startLocalAgent(env.test, agentName);
  });
  afterAll(async () => {
    env.local?.agent.stop();
    await env.test?.close();
    if (env.test) removeDir(env.test.dataDir);
    if (env.local) removeDir(env.local.stateDir);
  });
  return env;
}
