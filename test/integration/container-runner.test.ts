import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInContainer } from '../../agent/runner/container-runner.js';
import type { TaskSpec } from '../../shared/protocol.js';
import { docker, execIn, skipDocker } from '../support/docker.js';
import { removeDir, startLocalAgent, startTestServer, waitFor, waitForResults, type LocalAgent, type TestServer } from '../support/harness.js';

/** Every container this file creates carries it; afterAll removes exactly those. */
const OWNER_LABEL = 'casim.test.owner';
const OWNER = `container-runner-${process.pid}`;
const IMAGE = 'casim/debian:bookworm';

const unique = (): string => randomBytes(4).toString('hex');

async function startPlainContainer(name: string, hostname: string): Promise<Docker.Container> {
  const container = await docker.createContainer({
    name,
    Image: IMAGE,
    Hostname: hostname,
    Cmd: ['sleep', 'infinity'],
    Labels: { [OWNER_LABEL]: OWNER },
    HostConfig: { NetworkMode: 'host', Init: true },
  });
  await container.start();
  return container;
}

/** The command lines of the processes running in a container, from the host side (`docker top`). */
async function processesIn(containerId: string): Promise<string[]> {
  const top = await docker.getContainer(containerId).top({ ps_args: '-eo pid,args' });
  return (top.Processes ?? []).map((row: string[]) => row.join(' '));
}

describe.skipIf(skipDocker)('scripts in a container on the instance (ContainerId / ContainerName)', () => {
  let test: TestServer;
  let local: LocalAgent;
  let running: { id: string; name: string; hostname: string };
  let stopped: { id: string; name: string };

  beforeAll(async () => {
    test = await startTestServer();
    local = await startLocalAgent(test, 'container-host');
    const tag = unique();
    const hostname = `ctr-${tag}`;
    const container = await startPlainContainer(`casim-ctr-run-${tag}`, hostname);
    running = { id: container.id, name: `casim-ctr-run-${tag}`, hostname };
    const other = await startPlainContainer(`casim-ctr-stopped-${tag}`, `stopped-${tag}`);
    await other.stop({ t: 0 });
    stopped = { id: other.id, name: `casim-ctr-stopped-${tag}` };
  });

  afterAll(async () => {
    local?.agent.stop();
    await test?.close();
    for (const dir of [test?.dataDir, local?.stateDir]) if (dir) removeDir(dir);
    const mine = await docker.listContainers({ all: true, filters: { label: [`${OWNER_LABEL}=${OWNER}`] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  });

  async function run(params: Record<string, unknown>): Promise<Record<string, unknown> & { InvocationStatus: string; Output: string }> {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      InstanceId: [local.instanceId],
      ...params,
    });
    const [result] = await waitForResults(test.client, InvokeId, 45_000);
    return result!;
  }

  it('runs the script inside the container given by its 64-hex ContainerId, ignoring Username and WorkingDir', async () => {
    const marker = `/tmp/casim-inside-${unique()}`;
    const result = await run({
      CommandContent: `cat /etc/hostname; echo "user=$(id -un) cwd=$(pwd)"; echo made-inside > ${marker}`,
      ContainerId: running.id,
      Username: 'nobody',
      WorkingDir: '/does/not/exist',
    });
    expect(result).toMatchObject({ InvocationStatus: 'Success', ExitCode: 0, ErrorCode: '', ContainerId: running.id });
    expect(result.Output).toBe(`${running.hostname}\nuser=root cwd=/\n`);
    // The file is in the container, not on the host where the agent runs.
    expect(existsSync(marker)).toBe(false);
    expect(await execIn(running.id, ['cat', marker])).toEqual({ exitCode: 0, output: 'made-inside\n' });
  });

  it.each(['docker://', 'containerd://', 'cri-o://'])('accepts a ContainerId with the %s prefix', async (prefix) => {
    const result = await run({ CommandContent: 'cat /etc/hostname', ContainerId: `${prefix}${running.id}` });
    expect(result).toMatchObject({ InvocationStatus: 'Success', ExitCode: 0, ContainerId: `${prefix}${running.id}` });
    expect(result.Output).toBe(`${running.hostname}\n`);
  });

  it('runs by ContainerName, reports the exit code and interleaves stderr with stdout', async () => {
    // Docker carries stdout and stderr through separate pipes: the pauses make the order certain.
    const result = await run({
      CommandContent: 'echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; exit 3',
      ContainerName: running.name,
    });
    expect(result).toMatchObject({ InvocationStatus: 'Failed', ExitCode: 3, ErrorCode: 'ExitCodeNonzero', ContainerName: running.name });
    expect(result.Output).toBe('one\ntwo\nthree\n');
  });

  it('runs when ContainerId and ContainerName name the same container', async () => {
    const result = await run({ CommandContent: 'echo both', ContainerId: `docker://${running.id}`, ContainerName: running.name });
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'both\n' });
  });

  it('gives Invalid / ContainerNameAndIdNotMatch when the ID\'s container has another name, and runs nothing', async () => {
    const marker = `/tmp/casim-mismatch-${unique()}`;
    const result = await run({ CommandContent: `touch ${marker}`, ContainerId: running.id, ContainerName: stopped.name });
    expect(result).toMatchObject({
      InvocationStatus: 'Invalid',
      ErrorCode: 'ContainerNameAndIdNotMatch',
      ErrorInfo: 'the container with the specified ID does not have the specified name',
      Output: '',
    });
    expect((await execIn(running.id, ['test', '-e', marker])).exitCode).toBe(1);
  });

  it('gives Invalid / ContainerStateAbnormal for a stopped container', async () => {
    const byName = await run({ CommandContent: 'echo never', ContainerName: stopped.name });
    expect(byName).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'ContainerStateAbnormal', ErrorInfo: 'the state of the specified container is abnormal', Output: '' });
    const byId = await run({ CommandContent: 'echo never', ContainerId: stopped.id });
    expect(byId).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'ContainerStateAbnormal' });
  });

  it('gives Invalid / ContainerNotFound for an unknown name or ID', async () => {
    const byName = await run({ CommandContent: 'echo never', ContainerName: `casim-no-such-${unique()}` });
    expect(byName).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'ContainerNotFound', ErrorInfo: 'the specified container does not exist' });
    const byId = await run({ CommandContent: 'echo never', ContainerId: randomBytes(32).toString('hex') });
    expect(byId).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'ContainerNotFound' });
    // Docker's name filter is a regular expression: a name that is part of another must not match it.
    const partial = await run({ CommandContent: 'echo never', ContainerName: running.name.slice(0, -2) });
    expect(partial).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'ContainerNotFound' });
  });

  it('RepeatMode=DryRun checks the container without running anything: Success when running, Invalid when stopped', async () => {
    const marker = `/tmp/casim-dry-run-${unique()}`;
    const passed = await run({ CommandContent: `touch ${marker}`, RepeatMode: 'DryRun', ContainerName: running.name });
    expect(passed).toMatchObject({ InvocationStatus: 'Success', ErrorCode: '', Output: '' });
    expect((await execIn(running.id, ['test', '-e', marker])).exitCode).toBe(1);
    const refused = await run({ CommandContent: `touch ${marker}`, RepeatMode: 'DryRun', ContainerId: stopped.id });
    expect(refused).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'ContainerStateAbnormal' });
  });

  it('kills the processes inside the container on timeout: the whole tree with ProcessTree, the group with Process', async () => {
    const tag = `${process.pid}${unique().replace(/\D/g, '')}`;
    const [treeDaemon, treeSleep, groupDaemon, groupSleep] = [301, 302, 303, 304].map((n) => `${n}.${tag}`);
    const started = Date.now();
    const [tree, group] = await Promise.all([
      run({
        CommandContent: `setsid sleep ${treeDaemon} >/dev/null 2>&1 &\necho ready\nsleep ${treeSleep}\n`,
        ContainerName: running.name,
        Timeout: 10,
        TerminationMode: 'ProcessTree',
      }),
      run({
        CommandContent: `setsid sleep ${groupDaemon} >/dev/null 2>&1 &\necho ready\nsleep ${groupSleep}\n`,
        ContainerId: running.id,
        Timeout: 10,
        TerminationMode: 'Process',
      }),
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
    for (const result of [tree, group]) {
      expect(result).toMatchObject({ InvocationStatus: 'Timeout', ErrorCode: 'ExecutionTimeout', ExitCode: 1, Output: 'ready\n' });
    }
    const left = await waitFor(async () => {
      const lines = await processesIn(running.id);
      return lines.some((l) => l.includes(groupSleep) || l.includes(treeSleep) || l.includes(treeDaemon)) ? undefined : lines;
    }, 5_000, 'the timed-out sleeps to die');
    // Process mode kills the shell's process group only: the setsid daemon lives on, as on a host.
    expect(left.filter((l) => l.includes(groupDaemon))).toHaveLength(1);
  });

  it('streams output while running and kills the script on StopInvocation (Terminated)', async () => {
    const sleep = `305.${process.pid}${unique().replace(/\D/g, '')}`;
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      InstanceId: [local.instanceId],
      CommandContent: `echo ready\nsleep ${sleep}\n`,
      ContainerName: running.name,
      Timeout: 600,
    });
    await waitFor(async () => {
      const body = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string; Output: string }> } } }>(
        'DescribeInvocationResults',
        { InvokeId, ContentEncoding: 'PlainText' },
      );
      const [r] = body.Invocation.InvocationResults.InvocationResult;
      return r?.InvocationStatus === 'Running' && r.Output === 'ready\n' ? true : undefined;
    }, 15_000, 'live output from the container');
    expect((await processesIn(running.id)).some((l) => l.includes(sleep))).toBe(true);
    await test.client.call('StopInvocation', { InvokeId, InstanceId: [local.instanceId] });
    const [result] = await waitForResults(test.client, InvokeId, 20_000);
    expect(result).toMatchObject({ InvocationStatus: 'Terminated', Output: 'ready\n' });
    await waitFor(async () => ((await processesIn(running.id)).some((l) => l.includes(sleep)) ? undefined : true), 5_000, 'the stopped sleep to die');
  });

  it('reports container-connect-failed when no Docker daemon answers, without starting', async () => {
    const task: TaskSpec = {
      taskId: `t-noconnect${process.pid}`,
      run: 1,
      invokeId: 't-noconnect',
      commandId: 'c-test',
      commandName: 'container-test',
      type: 'RunShellScript',
      script: 'echo never',
      workingDir: '',
      username: 'root',
      timeoutSeconds: 30,
      terminationMode: 'ProcessTree',
      containerName: running.name,
    };
    const started: Date[] = [];
    const run = runInContainer(task, { onStarted: (at) => started.push(at), onOutput: () => {} }, { docker: new Docker({ socketPath: '/nonexistent/docker.sock' }) });
    const result = await run.done;
    expect(result.outcome).toMatchObject({ kind: 'not-started', reason: 'container-connect-failed' });
    expect(result.startedAt).toBeNull();
    expect(started).toHaveLength(0);
  });
});
