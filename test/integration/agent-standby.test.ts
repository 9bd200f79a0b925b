import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { createLogger } from '../../shared/logger.js';
import { liveProcesses } from '../support/live-processes.js';
import { removeDir, startTestServer, waitFor, waitForResults, type TestServer } from '../support/harness.js';

let test: TestServer;
const dirs: string[] = [];

beforeAll(async () => {
  test = await startTestServer();
});
afterAll(async () => {
  await test?.close();
  for (const dir of [test?.dataDir, ...dirs]) if (dir) removeDir(dir);
});

/** PIDs of live session leaders (the session shells, not their subshells) with an argv element under `dir` naming a standby FIFO. */
function standbyShellsIn(dir: string): number[] {
  return liveProcesses()
    .filter((p) => p.session === p.pid && p.argv.some((arg) => arg.startsWith(join(dir, '.casim-standby-'))))
    .map((p) => p.pid);
}

describe('the agent and its session shell started ahead', () => {
  it('runs its next script in the shell it started after a run, and ends it (and its FIFO and spare file) when it stops', async () => {
    const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
    const stateDir = mkdtempSync(join(tmpdir(), 'casim-standby-agent-'));
    const scriptDir = join(stateDir, 'scripts');
    dirs.push(stateDir);
    const agent = new Agent({ server: test.server.url, stateDir, scriptDir, activation: { id: ActivationId, code: ActivationCode }, logger: createLogger('test-agent') });
    agent.start();
    try {
      const instanceId = await waitFor(() => (agent.instanceId && test.server.sessions.isConnected(agent.instanceId) ? agent.instanceId : undefined));
      const sessionOf = async (): Promise<number> => {
        const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'ps -o sid= -p $$ | tr -d " "', InstanceId: [instanceId] });
        const [result] = await waitForResults(test.client, InvokeId);
        expect(result).toMatchObject({ InvocationStatus: 'Success' });
        return Number((result as { Output: string }).Output.trim());
      };
      const first = await sessionOf();
      const [waiting] = await waitFor(() => (standbyShellsIn(scriptDir).length === 1 ? standbyShellsIn(scriptDir) : undefined), 5_000, 'a standby shell');
      expect(waiting).not.toBe(first);
      expect(await sessionOf()).toBe(waiting);
      await waitFor(() => (standbyShellsIn(scriptDir).length === 1 ? true : undefined), 5_000, 'the next standby shell');
      expect(readdirSync(scriptDir).filter((name) => name.startsWith('.casim-standby-'))).toHaveLength(1);
      // The empty file the next script is written into (spare-script-file.ts), made once each run has started.
      await waitFor(() => (readdirSync(scriptDir).filter((name) => name.startsWith('.casim-spare-')).length === 1 ? true : undefined), 5_000, 'a spare script file');
    } finally {
      agent.stop();
    }
    await waitFor(() => (standbyShellsIn(scriptDir).length === 0 ? true : undefined), 5_000, 'no standby shell after stop');
    expect(readdirSync(scriptDir).filter((name) => name.startsWith('.casim-standby-'))).toEqual([]);
    expect(readdirSync(scriptDir).filter((name) => name.startsWith('.casim-spare-'))).toEqual([]);
  });
});
