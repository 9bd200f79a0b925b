import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Params } from '../../cli/api-client.js';
import { docker, execIn, instanceContainer, removeContainersOfInstances, skipDocker, useCasimContainer, waitForAgentStatus } from '../support/docker.js';
import { waitFor } from '../support/harness.js';
import { FINAL_STATUSES } from '../../controlplane/invocations/aggregate-status.js';

/**
 * Reboots on a Docker instance (issue "Schedules, reboots and the instance lifecycle"; spec §3
 * RepeatMode, §6 IncludeHistory, §20; reference-agent.md §1.9 exit codes 193/194 and §2.10 cold
 * start): RebootInstance restarts the container, EveryReboot runs at every boot and NextRebootOnly
 * at the next one only, an agent restart without a boot runs neither, `exit 194` reboots and
 * `exit 193` powers off.
 */

interface ResultRow {
  InstanceId: string;
  InvocationStatus: string;
  ErrorCode: string;
  ExitCode: number;
  Output: string;
  Repeats: number;
}

const FINAL = FINAL_STATUSES;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipDocker)('reboots of a Docker instance', () => {
  // The server in a container, through the testcontainers module; instances from its RunInstances.
  const env = useCasimContainer((container) => container);
  const test = { client: env.client };
  let instanceId = '';
  /** The EveryReboot task: prints a line per boot. */
  let everyReboot = '';
  /** The NextRebootOnly task. */
  let nextReboot = '';

  async function results(invokeId: string, history = false): Promise<ResultRow[]> {
    const body = await test.client.call<{ Invocation: { InvocationResults: { InvocationResult: ResultRow[] } } }>('DescribeInvocationResults', {
      InvokeId: invokeId,
      ContentEncoding: 'PlainText',
      ...(history ? { IncludeHistory: true } : {}),
    });
    return body.Invocation.InvocationResults.InvocationResult;
  }

  async function current(invokeId: string): Promise<ResultRow> {
    const [row] = await results(invokeId);
    if (!row) throw new Error(`no result for ${invokeId}`);
    return row;
  }

  /** Waits until the reboot task has run `repeats` times and is back to Scheduled. */
  async function waitRepeats(invokeId: string, repeats: number, status = 'Scheduled'): Promise<ResultRow> {
    return waitFor(async () => {
      const row = await current(invokeId);
      return row.Repeats === repeats && row.InvocationStatus === status ? row : undefined;
    }, 60_000, `${invokeId}: Repeats ${repeats}, ${status}`);
  }

  async function invoke(script: string, params: Params): Promise<string> {
    const { CommandId } = await test.client.call<{ CommandId: string }>('CreateCommand', {
      Name: `e2e-reboots-${Date.now()}`,
      Type: 'RunShellScript',
      CommandContent: Buffer.from(script).toString('base64'),
    });
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId, InstanceId: [instanceId], ...params });
    return InvokeId;
  }

  async function containerState(): Promise<{ id: string; running: boolean; startedAt: string }> {
    const info = await instanceContainer(instanceId);
    if (!info) throw new Error(`no container for ${instanceId}`);
    const inspected = await docker.getContainer(info.Id).inspect();
    return { id: info.Id, running: inspected.State.Running, startedAt: inspected.State.StartedAt };
  }

  async function instanceStatus(): Promise<string | undefined> {
    const body = await test.client.call<{ Instances: { Instance: Array<{ InstanceId: string; Status: string }> } }>('DescribeInstances', {
      InstanceIds: JSON.stringify([instanceId]),
    });
    return body.Instances.Instance[0]?.Status;
  }

  /** Pids of the `node … casim.js agent` processes in the container (not docker-init, PID 1). */
  async function agentPids(containerId: string): Promise<number[]> {
    const { output } = await execIn(containerId, ['pgrep', '-f', '^node .*casim\\.js agent']);
    return output.split('\n').filter((line) => /^\d+$/.test(line.trim())).map(Number);
  }

  beforeAll(async () => {
    const body = await test.client.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', { Amount: 1, InstanceName: 'e2e-reboots' });
    instanceId = body.InstanceIdSets.InstanceIdSet[0]!;
    await waitForAgentStatus(test.client, [instanceId], 'true');
  });

  afterAll(async () => {
    if (instanceId) await removeContainersOfInstances([instanceId]);
  });

  it('keeps EveryReboot and NextRebootOnly tasks Scheduled until a boot', async () => {
    everyReboot = await invoke('echo "every boot: $(date +%s)"', { RepeatMode: 'EveryReboot' });
    nextReboot = await invoke('echo next-reboot-only', { RepeatMode: 'NextRebootOnly' });
    await sleep(2_000);
    for (const invokeId of [everyReboot, nextReboot]) {
      const row = await current(invokeId);
      expect(row.InvocationStatus, invokeId).toBe('Scheduled');
      expect(row.Repeats, invokeId).toBe(0);
    }
  });

  it('RebootInstance restarts the container, interrupts what runs, the agent comes back, and both reboot tasks run once', async () => {
    const before = await containerState();
    const { InvokeId: running } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'sleep 300',
      InstanceId: [instanceId],
      Timeout: 600,
    });
    await waitFor(async () => ((await current(running)).InvocationStatus === 'Running' ? true : undefined), 30_000, 'the sleep Running');
    await test.client.call('RebootInstance', { InstanceId: instanceId });
    const interrupted = await waitFor(async () => {
      const r = await current(running);
      return FINAL.has(r.InvocationStatus) ? r : undefined;
    }, 30_000, 'the interrupted run');
    expect(interrupted.InvocationStatus).toBe('Error');
    expect(interrupted.ErrorCode).toBe('ExecutionInterrupted');
    const after = await containerState();
    expect(after.id).toBe(before.id);
    expect(after.running).toBe(true);
    expect(after.startedAt).not.toBe(before.startedAt);
    await waitForAgentStatus(test.client, [instanceId], 'true');
    expect(await instanceStatus()).toBe('Running');

    const every = await waitRepeats(everyReboot, 1);
    expect(every.ErrorCode).toBe('');
    expect(every.Output).toMatch(/^every boot: /);
    const next = await waitRepeats(nextReboot, 1, 'Success');
    expect(next.Output).toBe('next-reboot-only\n');

    const invocations = await test.client.call<{ Invocations: { Invocation: Array<{ InvokeId: string; InvocationStatus: string; RepeatMode: string }> } }>(
      'DescribeInvocations',
      { InstanceId: instanceId },
    );
    const byId = new Map(invocations.Invocations.Invocation.map((i) => [i.InvokeId, i]));
    expect(byId.get(everyReboot)).toMatchObject({ RepeatMode: 'EveryReboot', InvocationStatus: 'Scheduled' });
    expect(byId.get(nextReboot)).toMatchObject({ RepeatMode: 'NextRebootOnly', InvocationStatus: 'Success' });
  });

  it('a second reboot runs EveryReboot again (Repeats 2, two history records) and NextRebootOnly not again', async () => {
    const before = await containerState();
    await test.client.call('RebootInstance', { InstanceId: instanceId });
    expect((await containerState()).startedAt).not.toBe(before.startedAt);
    await waitForAgentStatus(test.client, [instanceId], 'true');

    await waitRepeats(everyReboot, 2);
    const history = await results(everyReboot, true);
    expect(history).toHaveLength(2);
    for (const row of history) {
      expect(row.InvocationStatus).toBe('Success');
      expect(row.Output).toMatch(/^every boot: /);
    }
    await sleep(1_000);
    const next = await current(nextReboot);
    expect(next.Repeats).toBe(1);
    expect(next.InvocationStatus).toBe('Success');
  });

  // Killing the agent itself cannot restart it alone: it is the container's main process (under
  // docker --init), so the container stops with it. A second agent process started in the running
  // container with the same identity is an agent (re)start without a boot: the /dev/shm cold-start
  // flag is still there, so it connects with coldStart=false.
  it('an agent restart without a boot (the cold-start flag kept) runs no reboot task', async () => {
    const state = await containerState();
    const [original] = await agentPids(state.id);
    expect(original).toBeDefined();
    await execIn(state.id, ['kill', '-STOP', String(original)]);
    let second: number | undefined;
    try {
      const started = await execIn(state.id, [
        'sh', '-c', 'node /opt/casim/dist/cli/casim.js agent --state-dir /tmp/casim-agent-restart >/tmp/casim-agent-restart.log 2>&1 & echo $!',
      ]);
      second = Number(started.output.trim());
      await waitFor(async () => {
        const { output } = await execIn(state.id, ['cat', '/tmp/casim-agent-restart.log']);
        return output.includes(`connected as ${instanceId}`) ? true : undefined;
      }, 30_000, 'the restarted agent connected');
      await waitForAgentStatus(test.client, [instanceId], 'true');
      await sleep(2_000);
      expect((await current(everyReboot)).Repeats).toBe(2);
      expect((await current(nextReboot)).Repeats).toBe(1);
      // The new agent runs ordinary tasks.
      const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
        Type: 'RunShellScript',
        CommandContent: 'echo from-restarted-agent',
        InstanceId: [instanceId],
      });
      const row = await waitFor(async () => {
        const r = await current(InvokeId);
        return FINAL.has(r.InvocationStatus) ? r : undefined;
      }, 30_000, 'the run on the restarted agent');
      expect(row.InvocationStatus).toBe('Success');
      expect(row.Output).toBe('from-restarted-agent\n');
    } finally {
      if (second) await execIn(state.id, ['kill', String(second)]);
      await execIn(state.id, ['kill', '-CONT', String(original)]);
    }
    // The original agent resumes and reconnects, still without a boot.
    await waitFor(async () => ((await agentPids(state.id)).length === 1 ? true : undefined), 10_000, 'one agent left');
    await waitForAgentStatus(test.client, [instanceId], 'true', 30_000);
    await sleep(2_000);
    expect((await current(everyReboot)).Repeats).toBe(2);
    expect((await containerState()).startedAt).toBe(state.startedAt);
  });

  // The real agent reports a run that exits 194 as finished with exitCode=194 and reboots after
  // that report (reference-agent.md §1.9; aliyun_assist_client basetask.go Run → SideEffect); the
  // status follows the exit code like any other run (spec §19: Success ⇔ exit 0).
  it('`exit 194`: the run is recorded (ExitCode 194) before the reboot, then the instance reboots and EveryReboot runs', async () => {
    const before = await containerState();
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo rebooting; exit 194',
      InstanceId: [instanceId],
    });
    const row = await waitFor(async () => {
      const r = await current(InvokeId);
      return FINAL.has(r.InvocationStatus) ? r : undefined;
    }, 30_000, 'the exit 194 run');
    await waitFor(async () => ((await containerState()).startedAt !== before.startedAt ? true : undefined), 30_000, 'the container restarted');
    await waitForAgentStatus(test.client, [instanceId], 'true');
    await waitRepeats(everyReboot, 3);
    expect((await results(everyReboot, true)).length).toBe(3);
    // The run itself: its final report came before the reboot and stays as it was.
    const final = await current(InvokeId);
    expect(final).toEqual(row);
    expect(row.Output).toBe('rebooting\n');
    expect(row.ExitCode).toBe(194);
    expect(row.InvocationStatus).toBe('Failed');
    expect(row.ErrorCode).toBe('ExitCodeNonzero');
  });

  it('`exit 193` powers the instance off after its report: Stopped, container not running, agent offline; StartInstance boots it', async () => {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: 'echo powering-off; exit 193',
      InstanceId: [instanceId],
    });
    await waitFor(async () => ((await instanceStatus()) === 'Stopped' ? true : undefined), 30_000, 'the instance Stopped');
    expect((await containerState()).running).toBe(false);
    await waitForAgentStatus(test.client, [instanceId], 'false', 10_000);
    const row = await current(InvokeId);

    // Starting a stopped instance is a boot too.
    await test.client.call('StartInstance', { InstanceId: instanceId });
    await waitForAgentStatus(test.client, [instanceId], 'true');
    await waitRepeats(everyReboot, 4);
    expect((await current(nextReboot)).Repeats).toBe(1);

    expect(row.Output).toBe('powering-off\n');
    expect(row.ExitCode).toBe(193);
    expect(row.InvocationStatus).toBe('Failed');
    expect(row.ErrorCode).toBe('ExitCodeNonzero');
  });

  it('StopInvocation ends an EveryReboot schedule: the next reboot does not run it', async () => {
    await test.client.call('StopInvocation', { InvokeId: everyReboot });
    const stopped = await current(everyReboot);
    expect(FINAL.has(stopped.InvocationStatus), stopped.InvocationStatus).toBe(true);
    const before = await containerState();
    await test.client.call('RebootInstance', { InstanceId: instanceId });
    expect((await containerState()).startedAt).not.toBe(before.startedAt);
    await waitForAgentStatus(test.client, [instanceId], 'true');
    await sleep(2_000);
    expect((await current(everyReboot)).Repeats).toBe(4);
  });
});
