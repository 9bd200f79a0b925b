import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import type { PowerAction } from '../../shared/power-action.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, startTestServer, waitFor, waitForResults, type TestServer } from '../support/harness.js';

let test: TestServer;
const agents: Agent[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  for (const agent of agents) agent.stop();
  await test?.close();
  for (const dir of [test?.dataDir, ...dirs]) if (dir) removeDir(dir);
});

/** A managed-instance agent whose reboot / power-off is recorded instead of performed. */
async function agentWith(allowPowerActions: boolean): Promise<{ instanceId: string; actions: PowerAction[] }> {
  const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
  const stateDir = mkdtempSync(join(tmpdir(), 'casim-power-'));
  dirs.push(stateDir);
  const actions: PowerAction[] = [];
  const agent = new Agent({
    server: test.server.url,
    stateDir,
    activation: { id: ActivationId, code: ActivationCode },
    allowPowerActions,
    powerAction: (action) => actions.push(action),
    logger: createLogger('test-agent'),
  });
  agents.push(agent);
  agent.start();
  const instanceId = await waitFor(() => (agent.instanceId && test.server.sessions.isConnected(agent.instanceId) ? agent.instanceId : undefined));
  return { instanceId, actions };
}

describe('exit codes 194 and 193 on a machine of your own', () => {
  it.each([
    [194, 'reboot'],
    [193, 'power-off'],
  ])('exit %i asks for %s after the final report, when the agent allows it', async (code, action) => {
    const allowed = await agentWith(true);
    const refused = await agentWith(false);
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: `exit ${code}`,
      InstanceId: [allowed.instanceId, refused.instanceId],
    });
    const results = await waitForResults(test.client, InvokeId);
    for (const r of results) expect(r).toMatchObject({ InvocationStatus: 'Failed', ExitCode: code, ErrorCode: 'ExitCodeNonzero' });
    await waitFor(() => (allowed.actions.length > 0 ? true : undefined), 5_000, 'the power action');
    expect(allowed.actions).toEqual([action]);
    expect(refused.actions).toEqual([]);
  });
});
