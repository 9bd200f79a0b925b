import type { ServerMessage } from '../../shared/protocol.js';
import type { AgentSender, PresenceColumn } from '../hub/agent-sessions.js';
import type { FaultRegistry } from './fault-registry.js';
import { instanceSelectorOf } from './fault-rules.js';
import type { InstanceFactsLookup } from './instance-facts.js';

/** How long a lost task's re-pushes are swallowed (real time; the delivery window is 1 minute). */
const LOST_TASK_MEMORY_MS = 5 * 60_000;

/** The sessions' surface the control plane uses (AgentSessions): send, presence, disconnect. */
export type AgentLink = AgentSender & { disconnect(instanceId: string): void };

/**
 * The delivery faults, as a decorator of the agent sessions (what the invocation service, the
 * API and the instance lifecycle send through):
 * - `agent-offline`: the instance is not connected (CloudAssistantStatus false) and nothing is
 *   sent to it; its runs wait, then end as for an unreachable client (Aborted / ClientNotRunning).
 * - `delivery-loss`: the task is never pushed (re-pushes of the same run are swallowed too, so the
 *   at-least-once redelivery does not heal it): Aborted / DeliveryTimeout after the window.
 * - `delivery-delay`: the task reaches the agent `seconds` later (re-pushes meanwhile swallowed).
 * - `slow-start`: the task counts as delivered at once (`deliveredEarly`, as the agent's ack would)
 *   and reaches the agent `seconds` later, so the run is Pending, then Running that much later.
 * A count counts tasks (one run of one instance), not pushes.
 */
export class FaultyAgentSender implements AgentLink {
  /** Runs whose pushes are being held back (lost or delayed): `instanceId taskId run`. */
  private readonly held = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly inner: AgentLink,
    private readonly faults: FaultRegistry,
    private readonly facts: InstanceFactsLookup,
    private readonly deliveredEarly: (instanceId: string, taskId: string, run: number) => void,
  ) {}

  isConnected(instanceId: string): boolean {
    if (this.faults.isEmpty()) return this.inner.isConnected(instanceId);
    if (this.faults.holding('agent-offline', { kind: 'instance', instance: this.facts(instanceId) })) return false;
    return this.inner.isConnected(instanceId);
  }

  /**
   * The sessions' column, but what an `agent-offline` fault in force matches counts as offline
   * (as `isConnected` says); no other fault changes `isConnected`.
   */
  presenceColumn(): PresenceColumn {
    const inner = this.inner.presenceColumn();
    if (!inner.trusted || this.faults.isEmpty()) return inner;
    const hidden = this.faults.inForce('agent-offline').map((fault) => instanceSelectorOf(fault.spec));
    return hidden.length === 0 ? inner : { trusted: true, offline: [...inner.offline, ...hidden] };
  }

  send(instanceId: string, message: ServerMessage): boolean {
    if (this.faults.isEmpty() && this.held.size === 0) return this.inner.send(instanceId, message);
    const occasion = { kind: 'instance', instance: this.facts(instanceId) } as const;
    const offline = this.faults.holding('agent-offline', occasion);
    if (offline) {
      if (message.type === 'task') this.faults.report(offline, { instanceId, taskId: message.task.taskId, run: message.task.run, detail: `task not delivered to offline ${instanceId}` });
      return false;
    }
    if (message.type !== 'task') return this.inner.send(instanceId, message);
    const { taskId, run } = message.task;
    const key = `${instanceId} ${taskId} ${run}`;
    if (this.held.has(key)) return true;
    const context = { instanceId, taskId, run };
    if (this.faults.fire('delivery-loss', occasion, () => ({ ...context, detail: `task ${taskId} run ${run} lost on its way to ${instanceId}` }))) {
      // Forgotten long after the delivery window has ended the run (a lost task stays lost).
      const forget = setTimeout(() => this.held.delete(key), LOST_TASK_MEMORY_MS);
      forget.unref();
      this.held.set(key, forget);
      return true;
    }
    const delayed = this.faults.fire('delivery-delay', occasion, (spec) => ({ ...context, detail: `task ${taskId} run ${run} delayed ${spec.seconds} s` }));
    const slow = delayed ? undefined : this.faults.fire('slow-start', occasion, (spec) => ({ ...context, detail: `task ${taskId} run ${run} starts ${spec.seconds} s late` }));
    const seconds = delayed?.spec.seconds ?? slow?.spec.seconds;
    if (seconds === undefined) return this.inner.send(instanceId, message);
    if (slow) setImmediate(() => this.deliveredEarly(instanceId, taskId, run));
    const timer = setTimeout(() => {
      this.held.delete(key);
      this.inner.send(instanceId, message);
    }, seconds * 1000);
    timer.unref();
    this.held.set(key, timer);
    return true;
  }

  disconnect(instanceId: string): void {
    this.inner.disconnect(instanceId);
  }

  /** Tasks held back now (the metrics' queue depth). */
  heldCount(): number {
    return this.held.size;
  }

  close(): void {
    for (const timer of this.held.values()) clearTimeout(timer);
    this.held.clear();
  }
}
