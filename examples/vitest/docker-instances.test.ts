// casim in Docker through the testcontainers module: the server in casim/server, the instances
// in casim/instance, removed by stop().
import * as $Ecs from '@alicloud/ecs20140526';
import { CasimContainer, type StartedCasimContainer } from 'cloud-assistant-sim/testcontainers';
import { afterAll, beforeAll, expect, it } from 'vitest';

let casim: StartedCasimContainer;
beforeAll(async () => {
  casim = await new CasimContainer().withInstances(2).withTimeControl().start();
}, 180_000);
afterAll(() => casim?.stop());

it('runs a script in each instance container, as root on Debian', async () => {
  const ecs = await casim.ecsClient();
  const { body } = await ecs.runCommand(
    new $Ecs.RunCommandRequest({
      regionId: casim.credentials.regionId,
      type: 'RunShellScript',
      commandContent: '. /etc/os-release; echo "$ID $(id -un) $(hostname)"',
      instanceId: [...casim.instanceIds],
    }),
  );
  await expect
    .poll(async () => {
      const { body: page } = await ecs.describeInvocationResults(
        new $Ecs.DescribeInvocationResultsRequest({ regionId: 'cn-hangzhou', invokeId: body!.invokeId, contentEncoding: 'PlainText' }),
      );
      return page!.invocation!.invocationResults!.invocationResult!.map((r) => `${r.invocationStatus}: ${r.output}`).sort();
    }, { timeout: 60_000 })
    .toEqual(casim.instanceIds.map((id) => `Success: debian root ${id}\n`).sort());
});

it('runs a daily schedule when simulated time moves a day forward', async () => {
  const ecs = await casim.ecsClient();
  const { body } = await ecs.runCommand(
    new $Ecs.RunCommandRequest({
      regionId: 'cn-hangzhou',
      type: 'RunShellScript',
      commandContent: 'date -u +%F',
      instanceId: [casim.instanceIds[0]!],
      repeatMode: 'Period',
      frequency: 'rate(1d)',
    }),
  );
  const successes = async (): Promise<number> => {
    const { body: page } = await ecs.describeInvocationResults(
      new $Ecs.DescribeInvocationResultsRequest({ regionId: 'cn-hangzhou', invokeId: body!.invokeId, includeHistory: true }),
    );
    return page!.invocation!.invocationResults!.invocationResult!.filter((r) => r.invocationStatus === 'Success').length;
  };
  const before = await successes();
  await casim.clock.advance(86_400);
  await expect.poll(successes, { timeout: 60_000 }).toBe(before + 1);
});
