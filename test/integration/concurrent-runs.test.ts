import { describe, expect, it } from 'vitest';
import { useServerWithAgent, waitForResults } from '../support/harness.js';

const env = useServerWithAgent('concurrent-runs');

const RUNS = 900;
const CONCURRENCY = 8;
/** A longer file keeps an unsynchronised write open longer: the race shows more often. */
const PADDING = `# ${'x'.repeat(8_000)}\n`;

describe('many short runs at once on one agent', () => {
  it(`runs ${RUNS} short scripts ${CONCURRENCY} at a time, every one Success, none "Text file busy" (exit 126)`, async () => {
    const outcomes: Array<{ status: string; exitCode: unknown; output: string; expected: string }> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < RUNS) {
        const n = next++;
        const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
          Type: 'RunShellScript',
          CommandContent: `${PADDING}echo run-${n}`,
          InstanceId: [env.local.instanceId],
        });
        const [result] = await waitForResults(env.test.client, InvokeId, 60_000);
        outcomes.push({ status: result!.InvocationStatus, exitCode: result!.ExitCode, output: result!.Output, expected: `run-${n}\n` });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const failed = outcomes.filter((o) => o.status !== 'Success' || o.output !== o.expected);
    expect({ failed: failed.length, firstFailures: failed.slice(0, 3) }).toEqual({ failed: 0, firstFailures: [] });
    expect(outcomes).toHaveLength(RUNS);
  }, 600_000);
});
