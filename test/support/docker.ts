import Docker from 'dockerode';
import { afterAll, beforeAll } from 'vitest';
import { CasimContainer, type StartedCasimContainer } from '../../testkit/testcontainers/index.js';
import type { CasimApi } from '../../testkit/types.js';
import { INSTANCE_LABEL } from '../../controlplane/fleet/docker-fleet.js';

/** Docker tests run unless CASIM_SKIP_DOCKER=1 (local use only; CI always runs them). */
export const skipDocker = process.env.CASIM_SKIP_DOCKER === '1';
if (skipDocker) {
  process.stderr.write('\n!!! CASIM_SKIP_DOCKER=1: the Docker end-to-end tests are SKIPPED. CI runs them. !!!\n\n');
}

export const docker = new Docker();

/** Removes every instance container (by label) left behind by a test run. */
export async function removeInstanceContainers(): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [INSTANCE_LABEL] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
}

/** Runs a command in a container and returns its stdout+stderr (demultiplexed). */
export async function execIn(containerId: string, cmd: string[]): Promise<{ exitCode: number; output: string }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  // Multiplexed frames: 8-byte header (stream, 0, 0, 0, size32be) then payload.
  const raw = Buffer.concat(chunks);
  let output = '';
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    output += raw.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, output };
}

/** The container of one fleet instance (by its `casim.instance` label), stopped ones included. */
export async function instanceContainer(instanceId: string): Promise<Docker.ContainerInfo | undefined> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${INSTANCE_LABEL}=${instanceId}`] } });
  return containers[0];
}

/**
 * Removes the containers of the given instances only (tests run concurrently: never remove
 * another run's instances, unlike removeInstanceContainers()).
 */
export async function removeContainersOfInstances(instanceIds: readonly string[]): Promise<void> {
  for (const instanceId of instanceIds) {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${INSTANCE_LABEL}=${instanceId}`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  }
}

/** Waits until DescribeCloudAssistantStatus shows `status` ("true" / "false") for every instance. */
export async function waitForAgentStatus(
  client: { call<T>(action: string, params?: Record<string, string | string[]>): Promise<T> },
  instanceIds: readonly string[],
  status: 'true' | 'false',
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await client.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ CloudAssistantStatus: string }> } }>(
      'DescribeCloudAssistantStatus',
      { InstanceId: [...instanceIds] },
    );
    const rows = body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus;
    if (rows.length === instanceIds.length && rows.every((r) => r.CloudAssistantStatus === status)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for CloudAssistantStatus "${status}" on ${instanceIds.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One casim server container (the testcontainers module, as a user's suite starts it) with its
 * Docker instances, for a whole test file: started before the first test, stopped (instances
 * removed) after the last. Read `env.casim` inside tests.
 */
export function useCasimContainer(configure: (container: CasimContainer) => CasimContainer): { readonly casim: StartedCasimContainer; readonly client: CasimApi } {
  let started: StartedCasimContainer | undefined;
  beforeAll(async () => {
    started = await configure(new CasimContainer()).start();
  });
  afterAll(async () => {
    await started?.stop();
  });
  const casim = (): StartedCasimContainer => {
    if (!started) throw new Error('the casim container is not started yet (use it inside a test or hook)');
    return started;
  };
  return {
    get casim() {
      return casim();
    },
    // Signed calls to the container's API, usable before the container starts (resolved per call).
    client: { call: (action, params) => casim().api.call(action, params) },
  };
}
