import { formatApiTime, simulatedTime, type Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { OutputBuffer } from '../../shared/output-buffer.js';
import type { TaskFinishedMessage, TaskOutputMessage, TaskSpec, TaskStartedMessage } from '../../shared/protocol.js';
import type { AgentEventHandler, AgentSender } from '../hub/agent-hub.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InstanceRunRecord, InvocationRecord } from '../store/records.js';
import { runKey, type Store } from '../store/store.js';
import { ACTIVE_RUN_STATUSES, isFinal } from './aggregate-status.js';
import { powerActionOf, type PowerAction } from '../../shared/power-action.js';
import { isRepeating, runsOnBoot } from './repeat-mode.js';
import { INSTANCE_ERROR_INFO, statusOfOutcome, unknownBuiltInStatus } from './outcome-status.js';
import { ACCOUNT_ID } from '../account.js';
import { resolveBuiltIns, type BuiltInValues } from './built-in-parameters.js';
import { substituteParameters } from './custom-parameters.js';

/** A run not delivered within this time is Aborted (spec §7.1: delivery must finish within 1 minute). */
export const DELIVERY_TIMEOUT_MS = 60_000;
const OUTPUT_PERSIST_INTERVAL_MS = 500;

const taskIdOf = (invokeId: string, instanceId: string): string => `${invokeId}.${instanceId}`;

interface LiveOutput {
  buffer: OutputBuffer;
  nextSeq: number;
  lastPersist: number;
}

/**
 * Drives invocations: creates per-instance runs, pushes them to agents, and turns the agents'
 * raw facts into the stored public state. Every state change is persisted before it is
 * acknowledged.
 */
export class InvocationService implements AgentEventHandler {
  private readonly live = new Map<string, LiveOutput>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly registry: InstanceRegistry,
    private readonly agents: AgentSender,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.sweeper = setInterval(() => this.abortUndelivered(), 5_000);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Stores the invocation with a run row per instance. A Once task is Pending and pushed to each
   * agent at once; a repeating one is Scheduled until its first trigger (a time or a boot).
   */
  start(invocation: InvocationRecord): void {
    const now = formatApiTime(this.clock.now());
    const repeating = isRepeating(invocation.repeatMode);
    const runs: InstanceRunRecord[] = invocation.instanceIds.map((instanceId) => ({
      invokeId: invocation.invokeId,
      instanceId,
      run: repeating ? 0 : 1,
      status: repeating ? 'Scheduled' : 'Pending',
      errorCode: '',
      errorInfo: '',
      exitCode: null,
      output: '',
      dropped: 0,
      creationTime: now,
      startTime: '',
      finishTime: '',
      updateTime: now,
      stopTime: '',
      repeats: 0,
      nextRunTime: this.firstRunTime(invocation, instanceId),
    }));
    this.store.transaction(() => {
      this.store.invocations.add(invocation);
      for (const run of runs) this.store.runs.add(run);
      for (const instanceId of invocation.instanceIds) {
        const instance = this.registry.get(instanceId);
        if (instance) this.registry.update({ ...instance, lastInvokedTime: now, invocationCount: instance.invocationCount + 1 });
      }
    });
    for (const run of runs) if (run.status === 'Pending') this.deliver(invocation, run);
  }

  /** Set by the scheduler: when a Period task's first run is due on an instance. */
  firstRunTime: (invocation: InvocationRecord, instanceId: string) => string = () => '';
  /** Set by the scheduler: the next run after `after` ("" = the schedule is over). */
  nextRunTime: (invocation: InvocationRecord, instanceId: string, after: Date) => string = () => '';
  /** Called after a run's final report when the script asked for a reboot (194) or power-off (193). */
  onPowerAction: (instanceId: string, action: PowerAction) => void = () => undefined;

  /**
   * ModifyInvocationAttribute on a live schedule: stores the changed invocation, adds runs for
   * new instances, and recomputes the next run times (from the task's creation, spec §12).
   */
  modify(invocation: InvocationRecord, addedInstanceIds: readonly string[]): void {
    const now = formatApiTime(this.clock.now());
    this.store.transaction(() => {
      this.store.invocations.put({ ...invocation, instanceIds: [...invocation.instanceIds, ...addedInstanceIds] });
      for (const instanceId of addedInstanceIds) {
        this.store.runs.add({
          invokeId: invocation.invokeId, instanceId, run: 0, status: 'Scheduled', errorCode: '', errorInfo: '', exitCode: null,
          output: '', dropped: 0, creationTime: now, startTime: '', finishTime: '', updateTime: now, stopTime: '', repeats: 0, nextRunTime: '',
        });
      }
      for (const run of this.store.runsOf({ ...invocation, instanceIds: [...invocation.instanceIds, ...addedInstanceIds] })) {
        if (run.status !== 'Scheduled') continue;
        this.store.runs.put({ ...run, nextRunTime: this.nextRunTime(invocation, run.instanceId, this.clock.now()) });
      }
    });
  }

  /**
   * Starts the next run of a repeating task on one instance, unless the previous run is still
   * going (that tick is skipped) or the schedule was stopped.
   */
  trigger(invokeId: string, instanceId: string): boolean {
    const invocation = this.store.invocations.get(invokeId);
    const current = this.store.runs.get(runKey(invokeId, instanceId));
    if (!invocation || !current || current.status !== 'Scheduled') return false;
    const now = formatApiTime(this.clock.now());
    const next: InstanceRunRecord = {
      ...current,
      run: current.run + 1,
      status: 'Pending',
      errorCode: '',
      errorInfo: '',
      exitCode: null,
      output: '',
      dropped: 0,
      startTime: '',
      finishTime: '',
      updateTime: now,
      nextRunTime: '',
    };
    const instance = this.registry.get(instanceId);
    if (!instance || (instance.status ?? 'Running') !== 'Running') {
      // A scheduled run on a stopped or released instance cannot be delivered (spec §7.4).
      const code = instance ? 'InstanceNotRunning' : 'InstanceReleased';
      this.settle(invocation, { ...next, status: 'Aborted', errorCode: code, errorInfo: INSTANCE_ERROR_INFO[code], finishTime: now }, !instance);
      return true;
    }
    this.store.runs.put(next);
    this.deliver(invocation, next);
    return true;
  }

  /**
   * An instance stopped, rebooted or was released: what runs there ends (Error with
   * ExecutionInterrupted or InstanceReleased), what waits for delivery is Aborted.
   */
  interruptRuns(instanceId: string, reason: 'interrupted' | 'released', statuses: readonly InstanceRunRecord['status'][] = ACTIVE_RUN_STATUSES): void {
    const now = formatApiTime(this.clock.now());
    for (const run of this.store.runs.withLabel(statuses)) {
      if (run.instanceId !== instanceId) continue;
      const invocation = this.store.invocations.get(run.invokeId);
      if (!invocation) continue;
      const code = reason === 'released' ? 'InstanceReleased' : run.status === 'Pending' ? 'InstanceNotRunning' : 'ExecutionInterrupted';
      const status = run.status === 'Pending' ? 'Aborted' : 'Error';
      this.live.delete(taskIdOf(run.invokeId, instanceId));
      this.settle(invocation, { ...run, status, errorCode: code, errorInfo: INSTANCE_ERROR_INFO[code], updateTime: now, finishTime: now }, reason === 'released');
    }
  }

  /**
   * Stores a finished run. A repeating task keeps it in the history and goes back to Scheduled
   * while its schedule has more runs (spec §20); otherwise the run's status is final.
   */
  private settle(invocation: InvocationRecord, finished: InstanceRunRecord, scheduleOver = false): void {
    if (!isRepeating(invocation.repeatMode)) {
      this.store.runs.put(finished);
      return;
    }
    // A StopInvocation (StopTime set) ends the schedule too.
    const over = scheduleOver || finished.stopTime !== '' || invocation.repeatMode === 'NextRebootOnly';
    const next = over ? '' : this.nextRunTime(invocation, finished.instanceId, this.clock.now());
    const continues = !over && (invocation.repeatMode === 'EveryReboot' || next !== '');
    this.store.transaction(() => {
      this.store.runHistory.put(finished);
      this.store.runs.put(continues ? { ...finished, status: 'Scheduled', nextRunTime: next } : { ...finished, nextRunTime: '' });
    });
  }

  /** The task for one instance, or the name of an unknown `{{ACS::…}}` built-in in it. */
  private taskSpec(invocation: InvocationRecord, run: InstanceRunRecord): TaskSpec | { unknownBuiltIn: string } {
    const content = Buffer.from(invocation.commandContent, 'base64').toString('utf8');
    let script = content;
    let launcher = invocation.launcher;
    if (invocation.enableParameter) {
      const values: BuiltInValues = {
        RegionId: invocation.regionId,
        AccountId: ACCOUNT_ID,
        InstanceId: run.instanceId,
        InstanceName: this.registry.get(run.instanceId)?.name ?? '',
        InvokeId: invocation.invokeId,
        CommandId: invocation.commandId,
      };
      const resolvedScript = resolveBuiltIns(substituteParameters(content, invocation.parameters), values);
      if (!resolvedScript.ok) return { unknownBuiltIn: resolvedScript.unknownName };
      const resolvedLauncher = resolveBuiltIns(launcher, values);
      if (!resolvedLauncher.ok) return { unknownBuiltIn: resolvedLauncher.unknownName };
      script = resolvedScript.text;
      launcher = resolvedLauncher.text;
    }
    return {
      taskId: taskIdOf(invocation.invokeId, run.instanceId),
      run: run.run,
      invokeId: invocation.invokeId,
      commandId: invocation.commandId,
      commandName: invocation.commandName,
      type: 'RunShellScript',
      script,
      workingDir: invocation.workingDir,
      username: invocation.username,
      timeoutSeconds: invocation.timeout,
      terminationMode: invocation.terminationMode,
      launcher,
      dryRun: invocation.repeatMode === 'DryRun',
      // Passed as given (a docker:// etc. prefix included): the agent strips it, like the real one.
      ...(invocation.containerId ? { containerId: invocation.containerId } : {}),
      ...(invocation.containerName ? { containerName: invocation.containerName } : {}),
    };
  }

  private deliver(invocation: InvocationRecord, run: InstanceRunRecord): void {
    const task = this.taskSpec(invocation, run);
    if ('unknownBuiltIn' in task) {
      const now = formatApiTime(this.clock.now());
      this.settle(invocation, { ...run, ...unknownBuiltInStatus(task.unknownBuiltIn), updateTime: now, finishTime: now });
      return;
    }
    const sent = this.agents.send(run.instanceId, { type: 'task', task });
    if (!sent) this.logger.info('instance not connected; task waits for its agent', { invokeId: run.invokeId, instanceId: run.instanceId });
  }

  private findRun(instanceId: string, taskId: string, runNumber: number): { invocation: InvocationRecord; run: InstanceRunRecord } | undefined {
    const invokeId = taskId.slice(0, taskId.length - instanceId.length - 1);
    if (taskIdOf(invokeId, instanceId) !== taskId) return undefined;
    const invocation = this.store.invocations.get(invokeId);
    const run = this.store.runs.get(runKey(invokeId, instanceId));
    if (!invocation || !run || run.run !== runNumber) return undefined;
    return { invocation, run };
  }

  /**
   * StopInvocation (spec Decisions §6): runs not yet started become Cancelled, running ones
   * Stopping (then Terminated when the agent has killed them). StopTime is the call time.
   */
  stop(invocation: InvocationRecord, instanceIds: readonly string[]): void {
    const now = formatApiTime(this.clock.now());
    const runs = this.store.runsOf(invocation).filter((run) => instanceIds.includes(run.instanceId) && !isFinal(run.status));
    this.store.transaction(() => {
      for (const run of runs) {
        const next: InstanceRunRecord =
          run.status === 'Running' || run.status === 'Stopping'
            ? { ...run, status: 'Stopping', stopTime: run.stopTime || now, updateTime: now }
            : { ...run, status: 'Cancelled', stopTime: now, updateTime: now, finishTime: now };
        this.store.runs.put(next);
      }
    });
    // A Pending run may already have reached its agent: stop it there too.
    for (const run of runs) this.agents.send(run.instanceId, { type: 'task-stop', taskId: taskIdOf(run.invokeId, run.instanceId), run: run.run });
  }

  /** A boot of the instance: NextRebootOnly and EveryReboot tasks run now (spec §20). */
  private onBoot(instanceId: string): void {
    for (const run of this.store.runs.withLabel(['Scheduled'])) {
      if (run.instanceId !== instanceId) continue;
      const invocation = this.store.invocations.get(run.invokeId);
      if (invocation && runsOnBoot(invocation.repeatMode)) this.trigger(run.invokeId, instanceId);
    }
  }

  onConnected(instanceId: string, coldStart: boolean): void {
    // After a boot nothing that was running can still be running there.
    if (coldStart) this.interruptRuns(instanceId, 'interrupted', ['Running', 'Stopping']);
    // Re-push what this instance has not finished: the agent de-duplicates by (taskId, run).
    for (const run of this.store.runs.withLabel(ACTIVE_RUN_STATUSES)) {
      if (run.instanceId !== instanceId) continue;
      const invocation = this.store.invocations.get(run.invokeId);
      if (!invocation) continue;
      this.deliver(invocation, run);
      if (run.status === 'Stopping') this.agents.send(instanceId, { type: 'task-stop', taskId: taskIdOf(run.invokeId, instanceId), run: run.run });
    }
    if (coldStart) this.onBoot(instanceId);
  }

  onTaskAcked(instanceId: string, taskId: string, run: number): void {
    this.logger.debug('task acknowledged', { instanceId, taskId, run });
  }

  onTaskStarted(instanceId: string, message: TaskStartedMessage): void {
    const found = this.findRun(instanceId, message.taskId, message.run);
    if (!found || found.run.status !== 'Pending') {
      // Cancelled before it started, but the agent had it already: kill it there.
      if (found?.run.status === 'Cancelled') this.agents.send(instanceId, { type: 'task-stop', taskId: message.taskId, run: message.run });
      return;
    }
    const now = formatApiTime(this.clock.now());
    this.store.runs.put({ ...found.run, status: 'Running', startTime: this.reported(message.startedAt), updateTime: now });
    this.live.set(message.taskId, { buffer: new OutputBuffer(), nextSeq: 0, lastPersist: 0 });
  }

  onTaskOutput(instanceId: string, message: TaskOutputMessage): void {
    const live = this.live.get(message.taskId);
    if (!live || message.seq < live.nextSeq) return; // a duplicate
    live.nextSeq = message.seq + 1;
    live.buffer.append(Buffer.from(message.data, 'base64'));
    const nowMs = this.clock.now().getTime();
    if (nowMs - live.lastPersist < OUTPUT_PERSIST_INTERVAL_MS) return;
    live.lastPersist = nowMs;
    const found = this.findRun(instanceId, message.taskId, message.run);
    if (!found || found.run.status !== 'Running') return;
    this.store.runs.put({ ...found.run, output: live.buffer.contents().toString('base64'), dropped: live.buffer.dropped });
  }

  onTaskFinished(instanceId: string, message: TaskFinishedMessage): void {
    this.live.delete(message.taskId);
    const found = this.findRun(instanceId, message.taskId, message.run);
    if (!found || !ACTIVE_RUN_STATUSES.includes(found.run.status)) return; // unknown or already recorded: just acknowledge
    const { invocation, run } = found;
    const result = statusOfOutcome(message.outcome);
    const startTime = message.startedAt ? this.reported(message.startedAt) : run.startTime;
    // On timeout FinishedTime = StartTime + Timeout (spec §6).
    const finishTime =
      message.outcome.kind === 'timed-out' && startTime
        ? formatApiTime(new Date(Date.parse(startTime) + invocation.timeout * 1000))
        : this.reported(message.finishedAt);
    this.settle(invocation, {
      ...run,
      status: result.status,
      errorCode: result.errorCode,
      errorInfo: result.errorInfo,
      exitCode: result.exitCode,
      output: message.output,
      dropped: message.dropped,
      startTime,
      finishTime,
      updateTime: formatApiTime(this.clock.now()),
      repeats: message.outcome.kind === 'not-started' || message.outcome.kind === 'checks-passed' ? run.repeats : run.repeats + 1,
    });
    this.logger.info('task finished', { invokeId: run.invokeId, instanceId, status: result.status, exitCode: result.exitCode });
    const action = powerActionOf(message.outcome);
    if (action) this.onPowerAction(instanceId, action);
  }

  /** An agent-reported (real) instant as an API time on this service's clock. */
  private reported(iso: string): string {
    return formatApiTime(simulatedTime(this.clock, new Date(iso)));
  }

  /** Pending runs that no agent took within the delivery window become Aborted. */
  private abortUndelivered(): void {
    const nowMs = this.clock.now().getTime();
    for (const run of this.store.runs.withLabel(['Pending'])) {
      if (nowMs - Date.parse(run.updateTime) < DELIVERY_TIMEOUT_MS) continue;
      const code = this.agents.isConnected(run.instanceId) ? 'DeliveryTimeout' : 'ClientNotRunning';
      const now = formatApiTime(this.clock.now());
      const invocation = this.store.invocations.get(run.invokeId);
      if (!invocation) continue;
      this.settle(invocation, { ...run, status: 'Aborted', errorCode: code, errorInfo: INSTANCE_ERROR_INFO[code], updateTime: now, finishTime: now });
      this.logger.warn('task aborted: not delivered in time', { invokeId: run.invokeId, instanceId: run.instanceId, errorCode: code });
    }
  }
}
