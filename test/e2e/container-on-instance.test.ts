import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, execIn, skipDocker, useCasimContainer } from '../support/docker.js';
import { waitFor, waitForResults } from '../support/harness.js';

/** The sibling container this file starts carries it; afterAll removes exactly what this file made. */
const OWNER_LABEL = 'casim.test.owner';
const OWNER = `container-on-instance-${process.pid}`;

/**
 * A fleet instance's agent reaches the host's Docker daemon (docker-fleet.ts mounts its socket),
 * so the containers "on" a Docker instance are the host's: here, a sibling container.
 */
describe.skipIf(skipDocker)('a script in a container on a Docker instance (ContainerName / ContainerId)', () => {
  // The server in a container and one Docker instance, through the testcontainers module.
  const env = useCasimContainer((container) => container.withInstances(1, { name: 'container-host' }));
  const test = { client: env.client };
  let instanceId: string;
  let sibling: { id: string; name: string; hostname: string };

  beforeAll(async () => {
    instanceId = env.casim.instanceIds[0]!;
    const tag = randomBytes(4).toString('hex');
    sibling = { id: '', name: `casim-e2e-sibling-${tag}`, hostname: `sibling-${tag}` };
    const container = await docker.createContainer({
      name: sibling.name,
      Image: 'casim/debian:bookworm',
      Hostname: sibling.hostname,
      Cmd: ['sleep', 'infinity'],
      Labels: { [OWNER_LABEL]: OWNER },
      HostConfig: { NetworkMode: 'host', Init: true },
    });
    await container.start();
    sibling.id = container.id;
  });

  afterAll(async () => {
    // The instance goes with env.casim.stop(); the sibling is this file's own.
    const mine = await docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${OWNER}`] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  });

  async function instanceContainerId(): Promise<string> {
    return (await env.casim.containerIdOf(instanceId))!;
  }

  it('runs the script in the sibling container named by ContainerName, not on the instance', async () => {
    const marker = `/root/casim-in-sibling-${Date.now()}`;
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      InstanceId: [instanceId],
      // stdout and stderr reach Docker through separate pipes: the pause makes their order certain.
      CommandContent: `echo "host=$(cat /etc/hostname)"; echo written-in-sibling > ${marker}; sleep 0.2; echo oops >&2; exit 4`,
      ContainerName: sibling.name,
      Username: 'alice', // ignored in a container (it exists only on the instance image)
    });
    const [result] = await waitForResults(test.client, InvokeId, 60_000);
    expect(result).toMatchObject({ InstanceId: instanceId, InvocationStatus: 'Failed', ErrorCode: 'ExitCodeNonzero', ExitCode: 4, ContainerName: sibling.name });
    expect(result!.Output).toBe(`host=${sibling.hostname}\noops\n`);
    expect(await execIn(sibling.id, ['cat', marker])).toEqual({ exitCode: 0, output: 'written-in-sibling\n' });
    expect((await execIn(await instanceContainerId(), ['test', '-e', marker])).exitCode).toBe(1);
  });

  it('runs by ContainerId with a docker:// prefix, and kills the script inside on timeout', async () => {
    const sleep = `306.${process.pid}`;
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      InstanceId: [instanceId],
      CommandContent: `hostname; sleep ${sleep}`,
      ContainerId: `docker://${sibling.id}`,
      Timeout: 10,
    });
    const [result] = await waitForResults(test.client, InvokeId, 60_000);
    expect(result).toMatchObject({ InvocationStatus: 'Timeout', ErrorCode: 'ExecutionTimeout', Output: `${sibling.hostname}\n` });
    await waitFor(async () => {
      const top = await docker.getContainer(sibling.id).top({ ps_args: '-eo pid,args' });
      return (top.Processes ?? []).some((row: string[]) => row.join(' ').includes(sleep)) ? undefined : true;
    }, 5_000, 'the timed-out sleep to die in the sibling');
  });

  it('gives Invalid / ContainerNotFound for a name no container on the instance has', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      InstanceId: [instanceId],
      CommandContent: 'echo never',
      ContainerName: `casim-e2e-missing-${Date.now()}`,
    });
    const [result] = await waitForResults(test.client, InvokeId, 60_000);
    expect(result).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'ContainerNotFound', Output: '' });
  });
});
