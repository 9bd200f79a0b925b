import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../controlplane/startup/startup-error.js';
import { ApiClient } from '../../cli/api-client.js';
import { startServer, type RunningServer } from '../../controlplane/server.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, TEST_KEY } from '../support/harness.js';
import { RealAgentClient } from '../support/real-agent-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'casim-realagent-restart-'));
let server: RunningServer | undefined;

const start = async (): Promise<{ server: RunningServer; api: ApiClient }> => {
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], logger: createLogger('test-controlplane'), realAgent: { port: 0 } });
  return { server, api: new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' }) };
};

afterAll(async () => {
  await server?.close();
  removeDir(dataDir);
});

describe('the real agent across a casim restart', () => {
  it('keeps the CA and the agent\'s identity, and hands a task created while the agent was away out in its start-up fetch', async () => {
    const first = await start();
    const ca = readFileSync(first.server.realAgent!.caCertPath, 'utf8');
    const agent = new RealAgentClient({ serverHost: first.server.realAgent!.serverHost, ca });
    const { ActivationId, ActivationCode } = await first.api.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
    expect((await agent.register(ActivationId, ActivationCode)).status).toBe(200);
    const { InvokeId } = await first.api.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'echo after restart', InstanceId: [agent.instanceId] });
    await first.server.close();

    const second = await start();
    expect(readFileSync(second.server.realAgent!.caCertPath, 'utf8')).toBe(ca);
    // The agent was not running: it starts now and finds the server on its new port.
    const again = agent;
    again.useServer(second.server.realAgent!.serverHost);
    await again.openChannel();
    expect((await again.heartbeat(0)).status).toBe(200);
    const startup = await again.taskList('startup', undefined, true);
    expect(startup.run!.map((e) => e.task.taskID)).toEqual([`${InvokeId}.${agent.instanceId}`]);
    const entry = startup.run![0]!;
    const t = Date.now();
    await again.report('finish', `taskId=${entry.task.taskID}&invokeVersion=1&start=${t}&end=${t + 200}&exitCode=0&dropped=0`, 'after restart\n');
    const results = await second.api.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; Output: string }> } } }>('DescribeInvocationResults', { InvokeId, ContentEncoding: 'PlainText' });
    expect(results.Invocation.InvocationResults.InvocationResult[0]).toMatchObject({ InvocationStatus: 'Success', Output: 'after restart\n' });
    await again.closeChannel();
  });

  it('fails to start with one ListenFailed line naming the real-agent port when it is taken, and leaves the data dir usable', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const taken = (blocker.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'casim-realagent-port-'));
    try {
      const attempt = startServer({ host: '127.0.0.1', port: 0, dataDir: dir, accessKeys: [TEST_KEY], logger: createLogger('test-controlplane'), realAgent: { port: taken } });
      await expect(attempt).rejects.toThrow(StartupError);
      await expect(attempt).rejects.toThrow(`cannot listen on 127.0.0.1:${taken} (real agent, HTTPS)`);
      const retry = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir, accessKeys: [TEST_KEY], logger: createLogger('test-controlplane'), realAgent: { port: 0 } });
      await retry.close();
    } finally {
      blocker.close();
      removeDir(dir);
    }
  });
});
