/**
 * Memory while a script prints a lot: server and agent in this process, a script writing
 * 100 MB and 500 MB through the PTY; peak RSS against the idle baseline. The kept Output is
 * 24576 bytes whatever the size, so the peak must not grow with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../agent/agent.js';
import { ApiClient } from '../cli/api-client.js';
import { startServer } from '../controlplane/server.js';
import { createLogger } from '../shared/logger.js';

process.env.CASIM_LOG_LEVEL ??= 'error';
const KEY = { id: 'bench', secret: 'bench-secret' };
const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'casim-bench-mem-'));
  const logger = createLogger('bench');
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, accessKeys: [KEY], logger });
  const client = new ApiClient({ server: server.url, accessKeyId: KEY.id, accessKeySecret: KEY.secret, regionId: 'cn-hangzhou' });
  const { ActivationId, ActivationCode } = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
  const agent = new Agent({ server: server.url, stateDir: join(dataDir, 'agent'), activation: { id: ActivationId, code: ActivationCode }, logger });
  agent.start();
  while (!agent.instanceId || !server.sessions.isConnected(agent.instanceId)) await new Promise((r) => setTimeout(r, 20));
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  const rows: string[] = [];
  for (const bytes of [100_000_000, 500_000_000]) {
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const { InvokeId } = await client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: `head -c ${bytes} /dev/zero | tr '\\0' x`,
      InstanceId: [agent.instanceId],
      Timeout: 600,
    });
    let dropped = 0;
    for (;;) {
      const body = await client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; Dropped: number }> } } }>(
        'DescribeInvocationResults',
        { InvokeId },
      );
      const row = body.Invocation.InvocationResults.InvocationResult[0];
      if (row && row.InvocationStatus !== 'Running' && row.InvocationStatus !== 'Pending') {
        dropped = row.Dropped;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    rows.push(`| ${bytes / 1e6} MB | ${seconds.toFixed(1)} s | ${(baseline / MiB).toFixed(0)} MiB | ${(peak / MiB).toFixed(0)} MiB | +${((peak - baseline) / MiB).toFixed(0)} MiB | ${dropped} |`);
  }
  agent.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(
    ['', 'Output memory (server + agent in one process):', '', '| printed | time | RSS idle | RSS peak | growth | Dropped |', '|---|---|---|---|---|---|', ...rows, ''].join('\n'),
  );
}

void main();
