import { formatApiTime, simulatedTime, type Clock } from '../../shared/clock.js';
import { invokeIdOf, taskIdOf } from '../../shared/task-keys.js';
import type { Logger } from '../../shared/logger.js';
import { OutputBuffer } from '../../shared/output-buffer.js';
import type { ServerMessage, TaskFinishedMessage, TaskOutputMessage, TaskSpec, TaskStartedMessage } from '../../shared/protocol.js';
import type { PowerAction } from '../../shared/power-action.js';
import { AckBatch } from '../hub/ack-batch.js';
import type { AgentEventHandler, AgentSender } from '../hub/agent-hub.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InstanceRunRecord, InvocationRecord } from '../store/records.js';
import type { ControlPlaneStore } from '../store/control-plane-store.js';
import { ACCOUNT_ID } from '../account.js';
import { ACTIVE_RUN_STATUSES } from './aggregate-status.js';
import { resolveBuiltIns, type BuiltInValues } from './built-in-parameters.js';
import { substituteParameters } from './custom-parameters.js';
import { isRepeating, runsOnBoot } from './repeat-mode.js';
import { publishRunEvent, type RunEventName } from './run-events.js';
import { next, type RunEffect, type RunEvent, type Transition } from './run-machine.js';
import type { RunSchedule } from './schedule-times.js';

/** A run not delivered within this time is Aborted (spec §7.1: delivery must finish within 1 minute). */
export const DELIVERY_TIMEOUT_MS = 60_000;
/**
 * A run whose agent is gone ends (Error / ClientNotResponse; Aborted when it never started) this
 * long after the latest of: its start + Timeout, the agent leaving, this server starting.
 */
export const AGENT_LOST_GRACE_MS = 60_000;
const SWEEP_INTERVAL_MS = 5_000;
/** A task not acknowledged by a connected agent is pushed again after this long. */
const REDELIVER_MS = 5_000;
/** Live output is written to the store (and acknowledged) at most this often per run. */
const OUTPUT_PERSIST_INTERVAL_MS = 500;

interface LiveOutput {
  buffer: OutputBuffer;
  /** The next chunk expected. */
  nextSeq: number;
  /** The last chunk stored (and acknowledged); -1 = none. */
  storedSeq: number;
  lastPersistMs: number;
  timer: NodeJS.Timeout | undefined;
}

export interface InvocationServiceDeps {
  store: ControlPlaneStore;
  registry: InstanceRegistry;
  agents: AgentSender;
  schedule: RunSchedule;
  clock: Clock;
  logger: Logger;
  /** Called after a run's final report is stored when the script asked for a reboot (194) or power-off (193). */
  onPowerAction: (instanceId: string, action: PowerAction) => void;
  /** Tells this server's lifecycle events apart from other servers' in the same process. */
  source: string;
}

/**
 * Drives invocations: creates per-instance runs, pushes them to agents, and feeds the agents'
 * raw facts through the run state machine (run-machine.ts), applying its effects at the edge:
 * the new record is persisted first, then messages go out (the outbox rule: a task is pushed only
 * once the run that describes it is committed, an acknowledgement only once what it confirms is).
 */
export class InvocationService implements AgentEventHandler {
  private readonly store: ControlPlaneStore;
  private readonly registry: InstanceRegistry;
  private readonly agents: AgentSender;
  /** started-acks and finish-acks: a finish-ack of the same tick covers the run's started-ack. */
  private readonly acks: AckBatch;
  private readonly schedule: RunSchedule;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly onPowerAction: InvocationServiceDeps['onPowerAction'];
  private readonly source: string;
  private readonly live = new Map<string, LiveOutput>();
  /** When each undelivered task was last pushed (real ms). */
  private readonly pushedAt = new Map<string, number>();
  /** When each instance's agent left (service clock ms); absent while connected. */
  private readonly leftAt = new Map<string, number>();
  /** The delivery window and agent-lost bound never reach back before this server started. */
  private readonly startedMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(deps: InvocationServiceDeps) {
    this.store = deps.store;
    this.registry = deps.registry;
    this.agents = deps.agents;
    this.acks = new AckBatch(deps.agents);
    this.schedule = deps.schedule;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.onPowerAction = deps.onPowerAction;
    this.source = deps.source;
    this.startedMs = this.clock.now().getTime();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const live of this.live.values()) clearTimeout(live.timer);
    this.live.clear();
  }

  private now(): string {
    return formatApiTime(this.clock.now());
  }

  private publish(name: RunEventName, run: InstanceRunRecord, extra: { errorCode?: string; exitCode?: number | null; bytes?: number } = {}): void {
    publishRunEvent(name, { source: this.source, invokeId: run.invokeId, instanceId: run.instanceId, run: run.run, status: run.status, ...extra });
  }

  /**
   * Stores the invocation with a run row per instance. A Once task is Pending and pushed to each
   * agent once the caller's transaction has committed; a repeating one is Scheduled until its
   * first trigger (a time or a boot).
   */
  start(invocation: InvocationRecord): void {
    const now = this.now();
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
      nextRunTime: repeating ? this.schedule.firstRunTime(invocation, instanceId) : '',
      deliveredTime: '',
      outputSeq: 0,
    }));
    this.store.transaction(() => {
      this.store.invocations.add(invocation);
      for (const run of runs) this.store.runs.add(run);
      for (const run of runs) {
        this.store.afterCommit(() => this.publish('created', run));
        if (run.status === 'Pending') this.store.afterCommit(() => this.dispatch(invocation, run));
      }
    });
  }

  /**
   * ModifyInvocationAttribute on a live schedule: stores the changed invocation, adds runs for
   * new instances, and recomputes the next run times (from the task's creation, spec §12).
   */
  modify(invocation: InvocationRecord, addedInstanceIds: readonly string[]): void {
    const now = this.now();
    const updated = { ...invocation, instanceIds: [...invocation.instanceIds, ...addedInstanceIds] };
    this.store.transaction(() => {
      this.store.invocations.put(updated);
      for (const instanceId of addedInstanceIds) {
        this.store.runs.add({
          invokeId: invocation.invokeId, instanceId, run: 0, status: 'Scheduled', errorCode: '', errorInfo: '', exitCode: null,
          output: '', dropped: 0, creationTime: now, startTime: '', finishTime: '', updateTime: now, stopTime: '', repeats: 0, nextRunTime: '',
          deliveredTime: '', outputSeq: 0,
        });
      }
      for (const run of this.store.runsOf(updated)) {
        if (run.status !== 'Scheduled') continue;
        this.store.runs.put({ ...run, nextRunTime: this.schedule.nextRunTime(invocation, run.instanceId, this.clock.now()) });
      }
    });
  }

  /**
   * Starts the next run of a repeating task on one instance, unless the previous run is still
   * going (that tick is skipped) or the schedule was stopped. True when a run was started or ended.
   */
  trigger(invokeId: string, instanceId: string): boolean {
    const invocation = this.store.invocations.get(invokeId);
    const current = this.store.run(invokeId, instanceId);
    if (!invocation || !current || current.status !== 'Scheduled') return false;
    const instance = this.registry.get(instanceId);
    const state = !instance ? 'released' : (instance.status ?? 'Running') === 'Running' ? 'running' : 'stopped';
    return this.apply(invocation, current, { type: 'trigger', instance: state }).changed;
  }

  /**
   * An instance stopped, rebooted or was released: what runs there ends (Error with
   * ExecutionInterrupted or InstanceReleased), what waits for delivery is Aborted.
   */
  interruptRuns(instanceId: string, reason: 'interrupted' | 'released', statuses: readonly InstanceRunRecord['status'][] = ACTIVE_RUN_STATUSES): void {
    for (const run of this.store.runsOn(instanceId, statuses)) {
      const invocation = this.store.invocations.get(run.invokeId);
      if (!invocation) continue;
      this.dropLive(taskIdOf(run.invokeId, instanceId));
      this.apply(invocation, run, { type: 'instance-down', reason });
    }
  }

  /**
   * StopInvocation (spec Decisions §6): runs not yet started become Cancelled, running ones
   * Stopping (then Terminated when the agent has killed them). StopTime is the call time.
   */
  stop(invocation: InvocationRecord, instanceIds: readonly string[]): void {
    const runs = this.store.runsOf(invocation).filter((run) => instanceIds.includes(run.instanceId));
    this.store.transaction(() => {
      for (const run of runs) this.apply(invocation, run, { type: 'stop' });
    });
  }

  // ---- the state machine's edge ----

  /** Feeds one event to the machine, persists the new record, then applies the effects. */
  private apply(invocation: InvocationRecord, run: InstanceRunRecord, event: RunEvent): Transition {
    const transition = next(run, event, this.now());
    // Group commit: an agent's burst (task-ack, task-started, task-finished) and many agents'
    // messages of one event-loop turn share one commit; the acks go out after it.
    this.store.group(() => {
      if (transition.changed) {
        const settled = transition.effects.find((e): e is Extract<RunEffect, { type: 'settled' }> => e.type === 'settled');
        if (settled) this.settle(invocation, transition.run, settled.scheduleOver);
        else this.store.runs.put(transition.run);
        if (run.status !== 'Running' && transition.run.status === 'Running') this.store.afterCommit(() => this.publish('started', transition.run));
      }
      for (const effect of transition.effects) this.store.afterCommit(() => this.effect(invocation, transition.run, effect));
    });
    return transition;
  }

  private effect(invocation: InvocationRecord, run: InstanceRunRecord, effect: RunEffect): void {
    const taskId = taskIdOf(run.invokeId, run.instanceId);
    switch (effect.type) {
      case 'dispatch':
        this.dispatch(invocation, run);
        return;
      case 'send-stop':
        this.agents.send(run.instanceId, { type: 'task-stop', taskId, run: run.run });
        return;
      case 'ack-started':
        // Held to the end of the tick: when the run's finished report was committed with its
        // start (a fast run), the finish-ack alone goes out (shared/ack-rules.ts).
        this.acks.hold(run.instanceId, { type: 'started-ack', taskId, run: run.run });
        return;
      case 'ack-finished':
        this.acks.send(run.instanceId, { type: 'finish-ack', taskId, run: run.run });
        return;
      case 'settled':
        this.pushedAt.delete(taskId);
        this.dropLive(taskId);
        this.publish('finished', run, { errorCode: run.errorCode, exitCode: run.exitCode });
        if (effect.powerAction) this.onPowerAction(run.instanceId, effect.powerAction);
        return;
      case 'swept':
        this.publish('swept', run, { errorCode: effect.errorCode });
        return;
    }
  }

  /**
   * Stores a finished run. A repeating task keeps it in the history and goes back to Scheduled
   * while its schedule has more runs (spec §20); otherwise the run's status is final.
   */
  private settle(invocation: InvocationRecord, finished: InstanceRunRecord, scheduleOver: boolean): void {
    if (!isRepeating(invocation.repeatMode)) {
      this.store.runs.put(finished);
      return;
    }
    // A StopInvocation (StopTime set) ends the schedule too.
    const over = scheduleOver || finished.stopTime !== '' || invocation.repeatMode === 'NextRebootOnly';
    const nextTime = over ? '' : this.schedule.nextRunTime(invocation, finished.instanceId, this.clock.now());
    const continues = !over && (invocation.repeatMode === 'EveryReboot' || nextTime !== '');
    this.store.runHistory.put(finished);
    this.store.runs.put(continues ? { ...finished, status: 'Scheduled', nextRunTime: nextTime } : { ...finished, nextRunTime: '' });
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

  /** Pushes a committed Pending run to its agent (idempotent: the agent de-duplicates by task id and run). */
  private dispatch(invocation: InvocationRecord, run: InstanceRunRecord): void {
    const task = this.taskSpec(invocation, run);
    if ('unknownBuiltIn' in task) {
      this.apply(invocation, run, { type: 'unknown-built-in', name: task.unknownBuiltIn });
      return;
    }
    this.pushedAt.set(task.taskId, Date.now());
    if (this.agents.send(run.instanceId, { type: 'task', task })) this.publish('dispatched', run);
    else this.logger.debug('instance not connected; task waits for its agent', { invokeId: run.invokeId, instanceId: run.instanceId });
  }

  private findRun(instanceId: string, taskId: string): { invocation: InvocationRecord; run: InstanceRunRecord } | undefined {
    const invokeId = invokeIdOf(taskId, instanceId);
    if (invokeId === undefined) return undefined;
    const invocation = this.store.invocations.get(invokeId);
    const run = this.store.run(invokeId, instanceId);
    return invocation && run ? { invocation, run } : undefined;
  }

  /** A boot of the instance: NextRebootOnly and EveryReboot tasks run now (spec §20). */
  private onBoot(instanceId: string): void {
    for (const run of this.store.runsOn(instanceId, ['Scheduled'])) {
      const invocation = this.store.invocations.get(run.invokeId);
      if (invocation && runsOnBoot(invocation.repeatMode)) this.trigger(run.invokeId, instanceId);
    }
  }

  // ---- agent events (AgentEventHandler) ----

  onConnected(instanceId: string, coldStart: boolean): void {
    this.leftAt.delete(instanceId);
    // After a boot nothing that was running can still be running there.
    if (coldStart) this.interruptRuns(instanceId, 'interrupted', ['Running', 'Stopping']);
    // Re-push what this instance has not started; what it has started, its agent holds in its
    // journal and reports on its own (it re-sends every unacknowledged message on welcome).
    for (const run of this.store.runsOn(instanceId, ['Pending', 'Stopping'])) {
      const invocation = this.store.invocations.get(run.invokeId);
      if (!invocation) continue;
      if (run.status === 'Pending') this.dispatch(invocation, run);
      else this.agents.send(instanceId, { type: 'task-stop', taskId: taskIdOf(run.invokeId, instanceId), run: run.run });
    }
    if (coldStart) this.onBoot(instanceId);
  }

  onDisconnected(instanceId: string): void {
    this.leftAt.set(instanceId, this.clock.now().getTime());
  }

  onTaskAcked(instanceId: string, taskId: string, run: number): void {
    const found = this.findRun(instanceId, taskId);
    if (!found) return;
    if (found.run.run === run) this.pushedAt.delete(taskId);
    this.apply(found.invocation, found.run, { type: 'delivered', run });
  }

  onTaskStarted(instanceId: string, message: TaskStartedMessage): void {
    const found = this.findRun(instanceId, message.taskId);
    if (!found) {
      // Unknown (e.g. purged): acknowledge so that the agent stops re-sending it.
      this.reply(instanceId, { type: 'started-ack', taskId: message.taskId, run: message.run });
      return;
    }
    // A start stands for the task-ack (shared/ack-rules.ts): the run is delivered, not re-pushed.
    if (found.run.run === message.run) this.pushedAt.delete(message.taskId);
    this.apply(found.invocation, found.run, { type: 'started', run: message.run, startTime: this.reported(message.startedAt) });
  }

  onTaskOutput(instanceId: string, message: TaskOutputMessage): void {
    const found = this.findRun(instanceId, message.taskId);
    const ackAll = (): void => this.reply(instanceId, { type: 'output-ack', taskId: message.taskId, run: message.run, seq: message.seq });
    if (!found || found.run.run > message.run) return ackAll(); // unknown or an older run: nothing to keep
    const { run } = found;
    if (run.run !== message.run || (run.status !== 'Running' && run.status !== 'Stopping')) {
      // Not started here yet (its task-started is re-sent first): wait. Finished: nothing to keep.
      if (run.status !== 'Pending' && run.status !== 'Scheduled') ackAll();
      return;
    }
    const live = this.liveOf(message.taskId, run);
    if (message.seq < live.nextSeq) {
      // A re-send: acknowledge what is stored; store the rest soon.
      if (live.storedSeq >= 0) this.reply(instanceId, { type: 'output-ack', taskId: message.taskId, run: message.run, seq: live.storedSeq });
      this.schedulePersist(message.taskId, live, instanceId, run.invokeId, message.run);
      return;
    }
    if (message.seq > live.nextSeq) return; // an earlier chunk was lost: the agent re-sends from it
    const bytes = Buffer.from(message.data, 'base64');
    if (message.skipped) live.buffer.skip(message.skipped);
    live.buffer.append(bytes);
    live.nextSeq = message.seq + 1;
    this.publish('output', run, { bytes: bytes.length });
    this.schedulePersist(message.taskId, live, instanceId, run.invokeId, message.run);
  }

  private liveOf(taskId: string, run: InstanceRunRecord): LiveOutput {
    let live = this.live.get(taskId);
    if (!live) {
      // After a restart, continue from what is stored.
      const seq = run.outputSeq ?? 0;
      live = { buffer: OutputBuffer.restore(Buffer.from(run.output, 'base64'), run.dropped), nextSeq: seq, storedSeq: seq - 1, lastPersistMs: 0, timer: undefined };
      this.live.set(taskId, live);
    }
    return live;
  }

  private schedulePersist(taskId: string, live: LiveOutput, instanceId: string, invokeId: string, runNumber: number): void {
    if (live.timer || live.storedSeq === live.nextSeq - 1) return;
    const wait = Math.max(0, live.lastPersistMs + OUTPUT_PERSIST_INTERVAL_MS - Date.now());
    const persist = (): void => {
      live.timer = undefined;
      if (this.live.get(taskId) !== live) return;
      const run = this.store.run(invokeId, instanceId);
      if (!run || run.run !== runNumber || (run.status !== 'Running' && run.status !== 'Stopping')) return;
      const seq = live.nextSeq;
      try {
        // In the group commit: acknowledged once the commit has made it durable.
        this.store.group(() => {
          this.store.runs.put({ ...run, output: live.buffer.contents().toString('base64'), dropped: live.buffer.dropped, outputSeq: seq, updateTime: this.now() });
          this.store.afterCommit(() => {
            live.storedSeq = Math.max(live.storedSeq, seq - 1);
            this.reply(instanceId, { type: 'output-ack', taskId, run: runNumber, seq: seq - 1 });
          });
        });
      } catch (error) {
        // E.g. a full disk: not acknowledged; the agent re-sends and the next chunk tries again.
        this.logger.warn('live output not stored', { taskId, error: (error as Error).message });
        return;
      }
      live.lastPersistMs = Date.now();
    };
    if (wait === 0) persist();
    else {
      live.timer = setTimeout(persist, wait);
      live.timer.unref();
    }
  }

  private dropLive(taskId: string): void {
    const live = this.live.get(taskId);
    if (live) clearTimeout(live.timer);
    this.live.delete(taskId);
  }

  onTaskFinished(instanceId: string, message: TaskFinishedMessage): void {
    const found = this.findRun(instanceId, message.taskId);
    if (!found) {
      this.reply(instanceId, { type: 'finish-ack', taskId: message.taskId, run: message.run });
      return;
    }
    this.apply(found.invocation, found.run, {
      type: 'finished',
      run: message.run,
      outcome: message.outcome,
      output: message.output,
      dropped: message.dropped,
      startTime: message.startedAt ? this.reported(message.startedAt) : null,
      finishTime: this.reported(message.finishedAt),
      timeoutSeconds: found.invocation.timeout,
    });
  }

  private reply(instanceId: string, message: ServerMessage): void {
    this.agents.send(instanceId, message);
  }

  /** An agent-reported (real) instant as an API time on this service's clock. */
  private reported(iso: string): string {
    return formatApiTime(simulatedTime(this.clock, new Date(iso)));
  }

  // ---- the sweeper ----

  /**
   * Every few seconds: re-push tasks a connected agent has not acknowledged; abort what no agent
   * took within the delivery window (counted from this server's start at the earliest, so an
   * outage does not abort runs before their agents could reconnect); end runs whose agent has
   * been gone past Timeout + AGENT_LOST_GRACE_MS.
   */
  private sweep(): void {
    try {
      this.sweepActive();
    } catch (error) {
      this.logger.warn('sweep failed; retried at the next tick', { error: (error as Error).message });
    }
  }

  /**
   * Reads only the runs that may be due, on the store's indexes (store/sweep-queries.ts): the
   * undelivered ones (past the delivery window: aborted; within it: re-pushed to a connected agent
   * that has not acknowledged them) and the held ones whose Timeout plus grace has run out.
   */
  private sweepActive(): void {
    const nowMs = this.clock.now().getTime();
    const sweep = this.store.sweepQueries;
    // The window never reaches back before this server started: until then nothing is overdue.
    const windowOpen = nowMs - this.startedMs < DELIVERY_TIMEOUT_MS;
    // API times are whole seconds: updateTime <= now - window, compared as text.
    const cutoff = formatApiTime(new Date(nowMs - DELIVERY_TIMEOUT_MS));
    if (!windowOpen) {
      for (const run of sweep.undelivered({ by: cutoff })) {
        const connected = this.agents.isConnected(run.instanceId);
        this.withInvocation(run, (invocation) => this.apply(invocation, run, { type: 'undelivered', agentConnected: connected }));
      }
    }
    for (const run of sweep.undelivered(windowOpen ? 'all' : { after: cutoff })) {
      const taskId = taskIdOf(run.invokeId, run.instanceId);
      if (this.agents.isConnected(run.instanceId) && Date.now() - (this.pushedAt.get(taskId) ?? 0) >= REDELIVER_MS) {
        this.withInvocation(run, (invocation) => this.dispatch(invocation, run));
      }
    }
    for (const run of sweep.heldPast(nowMs - AGENT_LOST_GRACE_MS)) {
      if (this.agents.isConnected(run.instanceId)) continue;
      const held = Date.parse(run.startTime || run.deliveredTime || run.updateTime);
      const invocation = this.store.invocations.get(run.invokeId);
      if (!invocation) continue;
      const bound = Math.max(held + invocation.timeout * 1000, this.leftAt.get(run.instanceId) ?? this.startedMs, this.startedMs) + AGENT_LOST_GRACE_MS;
      if (nowMs >= bound) this.apply(invocation, run, { type: 'agent-lost' });
    }
  }

  private withInvocation(run: InstanceRunRecord, work: (invocation: InvocationRecord) => void): void {
    const invocation = this.store.invocations.get(run.invokeId);
    if (invocation) work(invocation);
  }
}
