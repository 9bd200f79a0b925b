import type { Logger } from '../../shared/logger.js';
import type { TaskFinishedMessage, TaskOutputMessage, TaskStartedMessage } from '../../shared/protocol.js';
import type { AgentEventHandler } from '../hub/agent-hub.js';
import type { AgentSender } from '../hub/agent-sessions.js';
import type { FaultRegistry } from './fault-registry.js';
import type { InstanceFactsLookup } from './instance-facts.js';

export type InstancePowerFault = 'stop' | 'reboot';

/** What was decided for one run when it started. */
interface RunFaults {
  /** output-cut: the bytes of Output kept, and what live chunks may still bring of them. */
  cut?: { keepBytes: number; liveLeft: number };
  /** The exit code to report instead (exit-code). */
  exitCode?: number;
  /** The run was "crashed" (agent-crash): its kill is reported as an interruption. */
  crashed?: boolean;
}

/**
 * The agent faults, as a decorator of the handler the hub reports agent messages to (the
 * invocation service). Each is decided once per run, when the run's start comes in:
 * - `agent-crash`: `afterSeconds` later the agent is asked to kill the run (the existing
 *   `task-stop`: the real process tree dies), and its report of the kill is turned into the one an
 *   agent gives for a run cut short by its own crash (outcome `interrupted`): Error /
 *   ExecutionInterrupted. Chosen over closing the session: the real agent then keeps running the
 *   script, and over a new protocol message: the agent needs no test-only code.
 * - `instance-stop` / `instance-reboot`: `afterSeconds` later the instance stops or reboots through
 *   the instance lifecycle (`power`), as StopInstance / RebootInstance do: Error /
 *   ExecutionInterrupted. A managed instance (a machine casim cannot stop) is also asked to kill
 *   the run, so that its script does not outlive the "stop".
 * - `output-cut`: Output keeps the first `keepBytes` bytes (live chunks past it arrive empty);
 *   Dropped counts what was cut.
 * - `exit-code`: a script that exited reports `exitCode` instead of its own.
 * While `agent-offline` holds, messages from the instance are not taken (the agent re-sends them).
 */
export class FaultyAgentEvents implements AgentEventHandler {
  private readonly runs = new Map<string, RunFaults>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly inner: AgentEventHandler,
    private readonly faults: FaultRegistry,
    private readonly facts: InstanceFactsLookup,
    /** The undecorated sessions: a crash's kill is not itself subject to delivery faults. */
    private readonly agents: AgentSender,
    private readonly power: (instanceId: string, action: InstancePowerFault) => void,
    private readonly isManaged: (instanceId: string) => boolean,
    private readonly logger: Logger,
  ) {}

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.runs.clear();
  }

  private offline(instanceId: string): boolean {
    if (this.faults.isEmpty()) return false;
    return this.faults.holding('agent-offline', { kind: 'instance', instance: this.facts(instanceId) }) !== undefined;
  }

  onConnected(instanceId: string, coldStart: boolean): void {
    this.inner.onConnected(instanceId, coldStart);
  }

  onDisconnected(instanceId: string): void {
    this.inner.onDisconnected(instanceId);
  }

  onTaskAcked(instanceId: string, taskId: string, run: number): void {
    if (this.offline(instanceId)) return;
    this.inner.onTaskAcked(instanceId, taskId, run);
  }

  onTaskStarted(instanceId: string, message: TaskStartedMessage): void {
    if (this.offline(instanceId)) return;
    this.inner.onTaskStarted(instanceId, message);
    const key = `${instanceId} ${message.taskId} ${message.run}`;
    if (this.runs.has(key) || this.faults.isEmpty()) return; // a re-sent start (decided already), or no faults
    const decided: RunFaults = {};
    this.runs.set(key, decided);
    const occasion = { kind: 'instance', instance: this.facts(instanceId) } as const;
    const context = { instanceId, taskId: message.taskId, run: message.run };
    const cut = this.faults.fire('output-cut', occasion, (spec) => ({ ...context, detail: `output cut to ${spec.keepBytes} bytes` }));
    if (cut) decided.cut = { keepBytes: cut.spec.keepBytes, liveLeft: cut.spec.keepBytes };
    const forced = this.faults.fire('exit-code', occasion, (spec) => ({ ...context, detail: `exit code forced to ${spec.exitCode}` }));
    if (forced) decided.exitCode = forced.spec.exitCode;
    const crash = this.faults.fire('agent-crash', occasion, (spec) => ({ ...context, detail: `agent crashes ${spec.afterSeconds ?? 0} s into the run` }));
    if (crash) {
      this.later(crash.spec.afterSeconds ?? 0, () => {
        decided.crashed = true;
        this.agents.send(instanceId, { type: 'task-stop', taskId: message.taskId, run: message.run });
      });
      return;
    }
    for (const action of ['stop', 'reboot'] as const) {
      const fault = this.faults.fire(`instance-${action}`, occasion, (spec) => ({ ...context, detail: `instance ${action} ${spec.afterSeconds ?? 0} s into the run` }));
      if (!fault) continue;
      this.later(fault.spec.afterSeconds ?? 0, () => {
        if (this.isManaged(instanceId)) this.agents.send(instanceId, { type: 'task-stop', taskId: message.taskId, run: message.run });
        this.power(instanceId, action);
      });
      return;
    }
  }

  onTaskOutput(instanceId: string, message: TaskOutputMessage): void {
    if (this.offline(instanceId)) return;
    const decided = this.runs.get(`${instanceId} ${message.taskId} ${message.run}`);
    if (decided?.cut === undefined) return this.inner.onTaskOutput(instanceId, message);
    const bytes = Buffer.from(message.data, 'base64');
    const kept = bytes.subarray(0, decided.cut.liveLeft);
    decided.cut.liveLeft -= kept.length;
    this.inner.onTaskOutput(instanceId, { ...message, data: kept.toString('base64'), skipped: undefined });
  }

  onTaskFinished(instanceId: string, message: TaskFinishedMessage): void {
    if (this.offline(instanceId)) return;
    const key = `${instanceId} ${message.taskId} ${message.run}`;
    const decided = this.runs.get(key);
    this.runs.delete(key);
    if (!decided) return this.inner.onTaskFinished(instanceId, message);
    this.inner.onTaskFinished(instanceId, rewrite(message, decided));
  }

  private later(seconds: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        work();
      } catch (error) {
        this.logger.warn('fault could not be applied', { error: (error as Error).message });
      }
    }, seconds * 1000);
    timer.unref();
    this.timers.add(timer);
  }
}

/** The final report as the faults decided it. */
function rewrite(message: TaskFinishedMessage, decided: RunFaults): TaskFinishedMessage {
  let { outcome, output, dropped } = message;
  if (decided.cut) {
    const bytes = Buffer.from(output, 'base64');
    const kept = bytes.subarray(0, decided.cut.keepBytes);
    output = kept.toString('base64');
    dropped += bytes.length - kept.length;
  }
  if (decided.crashed && outcome.kind === 'killed') outcome = { kind: 'interrupted' };
  if (decided.exitCode !== undefined && outcome.kind === 'exited') outcome = { kind: 'exited', exitCode: decided.exitCode };
  return { ...message, outcome, output, dropped };
}
