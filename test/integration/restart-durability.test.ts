import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, startLocalAgent, startTestServer, waitFor, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

describe('durability', () => {
  it('keeps commands, invocations and results across a server restart, and the agent reconnects', async () => {
    const first: TestServer = await startTestServer();
    cleanup.push(() => removeDir(first.dataDir));
    const local: LocalAgent = await startLocalAgent(first);
    cleanup.push(() => local.agent.stop(), () => removeDir(local.stateDir));
    const { InvokeId, CommandId } = await first.client.call<{ InvokeId: string; CommandId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo persisted',
      InstanceId: [local.instanceId],
      KeepCommand: true,
    });
    const before = await waitForResults(first.client, InvokeId);
    const port = first.server.port;
    await first.close();

    // The same data dir and port: the agent's backoff brings it back by itself.
    const { startServer } = await import('../../controlplane/server.js');
    const second = await startServer({
      host: '127.0.0.1',
      port,
      dataDir: first.dataDir,
      accessKeys: [{ id: 'test-key-id', secret: 'test-key-secret' }],
      logger: createLogger('test-controlplane'),
    });
    cleanup.push(() => second.close());
    const after = await waitForResults(first.client, InvokeId);
    expect(after).toEqual(before);
    const commands = await first.client.call<{ Invocations: { Invocation: Array<{ CommandId: string }> } }>('DescribeInvocations', { CommandId });
    expect(commands.Invocations.Invocation).toHaveLength(1);
    await waitFor(() => (second.sessions.isConnected(local.instanceId) ? true : undefined), 40_000, 'agent reconnection');
    const { InvokeId: again } = await first.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId, InstanceId: [local.instanceId] });
    const [result] = await waitForResults(first.client, again);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'persisted\n' });
  }, 90_000);

  it('reuses the saved identity when the agent restarts instead of registering again', async () => {
    const test = await startTestServer();
    cleanup.push(() => test.close(), () => removeDir(test.dataDir));
    const local = await startLocalAgent(test);
    cleanup.push(() => removeDir(local.stateDir));
    local.agent.stop();
    await waitFor(() => (test.server.sessions.isConnected(local.instanceId) ? undefined : true), 5_000, 'disconnect');
    // No activation this time: only the saved identity can get it in.
    const restarted = new Agent({ server: test.server.url, stateDir: local.stateDir, logger: createLogger('test-agent') });
    cleanup.push(() => restarted.stop());
    restarted.start();
    await waitFor(() => (test.server.sessions.isConnected(local.instanceId) ? true : undefined), 10_000, 'reconnection');
    expect(restarted.instanceId).toBe(local.instanceId);
  });

  it('refuses an agent that claims an instance with the wrong secret', async () => {
    const test = await startTestServer();
    cleanup.push(() => test.close(), () => removeDir(test.dataDir));
    const local = await startLocalAgent(test);
    cleanup.push(() => local.agent.stop(), () => removeDir(local.stateDir));
    const impostor = new Agent({
      server: test.server.url,
      stateDir: '/nonexistent-casim-state',
      identity: { instanceId: local.instanceId, secret: 'not-the-secret' },
      logger: createLogger('test-agent'),
    });
    impostor.start();
    await expect(impostor.fatal).resolves.toMatch(/wrong secret/);
    expect(test.server.sessions.isConnected(local.instanceId)).toBe(true);
  });
});
