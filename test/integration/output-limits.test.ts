import { describe, expect, it } from 'vitest';
import { useServerWithAgent, waitForResults } from '../support/harness.js';

const env = useServerWithAgent('chatty');

describe('Output limits (spec §19)', () => {
  it('keeps the first 6000 bytes and the newest bytes up to 24576 of a 100 MB output, with the exact Dropped count', async () => {
    const total = 100_000_000;
    const script = [
      "head -c 6000 /dev/zero | tr '\\0' A",
      `head -c ${total - 24_576} /dev/zero | tr '\\0' B`,
      "head -c 18576 /dev/zero | tr '\\0' C",
    ].join('\n');
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: script,
      InstanceId: [env.local.instanceId],
      Timeout: 300,
    });
    const [result] = await waitForResults(env.test.client, InvokeId, 240_000);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Dropped: total - 24_576 });
    expect(result!.Output).toBe('A'.repeat(6000) + 'C'.repeat(18_576));
  }, 300_000);

  it('keeps everything below the quota and reports Dropped 0', async () => {
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: "head -c 24576 /dev/zero | tr '\\0' x",
      InstanceId: [env.local.instanceId],
    });
    const [result] = await waitForResults(env.test.client, InvokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Dropped: 0 });
    expect(result!.Output).toBe('x'.repeat(24_576));
  });
});
