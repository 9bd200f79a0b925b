// The README's example: casim in process (no Docker), the official SDK, a real script.
import * as $Ecs from '@alicloud/ecs20140526';
import { startCasim, type LocalCasim } from 'cloud-assistant-sim';
import { afterAll, beforeAll, expect, it } from 'vitest';

let casim: LocalCasim;
beforeAll(async () => {
  casim = await startCasim({ instances: 2 });
});
afterAll(() => casim?.stop());

it('runs a shell script on every instance', async () => {
  const ecs = await casim.ecsClient();
  const { body } = await ecs.runCommand(
    new $Ecs.RunCommandRequest({
      regionId: 'cn-hangzhou',
      type: 'RunShellScript',
      commandContent: 'echo "hello from $(hostname)"; exit 3',
      instanceId: [...casim.instanceIds],
    }),
  );
  // Wait for the final status of every instance (the SDK's own describe call).
  let results: $Ecs.DescribeInvocationResultsResponseBodyInvocationInvocationResultsInvocationResult[] = [];
  await expect
    .poll(async () => {
      const { body: page } = await ecs.describeInvocationResults(
        new $Ecs.DescribeInvocationResultsRequest({ regionId: 'cn-hangzhou', invokeId: body!.invokeId, contentEncoding: 'PlainText' }),
      );
      results = page!.invocation!.invocationResults!.invocationResult!;
      return results.map((r) => r.invocationStatus);
    }, { timeout: 30_000 })
    .toEqual(['Failed', 'Failed']);
  for (const result of results) {
    expect(result.exitCode).toBe(3);
    expect(result.errorCode).toBe('ExitCodeNonzero');
    expect(result.output).toMatch(/^hello from /);
  }
});
