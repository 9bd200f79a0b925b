// casim in process (no Docker) under Jest (ESM: node --experimental-vm-modules).
import Ecs from '@alicloud/ecs20140526';
import { startCasim } from 'cloud-assistant-sim';

const { RunCommandRequest, DescribeInvocationResultsRequest } = Ecs;

let casim;
beforeAll(async () => {
  casim = await startCasim({ instances: 2 });
});
afterAll(() => casim?.stop());

async function finalResults(ecs, invokeId) {
  for (;;) {
    const { body } = await ecs.describeInvocationResults(new DescribeInvocationResultsRequest({ regionId: 'cn-hangzhou', invokeId, contentEncoding: 'PlainText' }));
    const results = body.invocation.invocationResults.invocationResult;
    if (results.every((r) => ['Success', 'Failed', 'Timeout', 'Invalid', 'Error'].includes(r.invocationStatus))) return results;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('runs a shell script on every instance', async () => {
  const ecs = await casim.ecsClient();
  const { body } = await ecs.runCommand(
    new RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: 'echo "sum=$((40 + 2))"', instanceId: [...casim.instanceIds] }),
  );
  const results = await finalResults(ecs, body.invokeId);
  expect(results.map((r) => r.invocationStatus)).toEqual(['Success', 'Success']);
  for (const result of results) expect(result.output).toBe('sum=42\n');
});
