import type { AgentMessage, ServerMessage } from './protocol.js';

/**
 * What the protocol's acknowledgements stand for (see the comment at the top of protocol.ts), in
 * both directions, as pure rules: the agents (agent/, loadgen/) and the control plane apply these,
 * so that what one side leaves out the other does not wait for.
 *
 * - Agent → control plane: a run's `task-started` or `task-finished` sent before its `task-ack`
 *   stands for that ack (the control plane holds the run as delivered once it has stored either,
 *   and stops re-pushing it). An agent that starts a task at once sends the start alone; one whose
 *   start is delayed (a container runner, the first task's runner import) sends `task-ack` first.
 * - Control plane → agent: `finish-ack` confirms that the run's final report is stored, and with
 *   it everything the report carries (its start, its output): the agent forgets the run's pending
 *   start and live output chunks on it, and the control plane need not send a `started-ack` that
 *   would go out with it.
 */

/** The agent reports that make a later `task-ack` of the same run redundant. */
export function standsForTaskAck(report: AgentMessage): report is Extract<AgentMessage, { type: 'task-started' | 'task-finished' }> {
  return report.type === 'task-started' || report.type === 'task-finished';
}

type Acknowledgement = Extract<ServerMessage, { type: 'started-ack' | 'output-ack' | 'finish-ack' }>;
type RunReport = Extract<AgentMessage, { type: 'task-started' | 'task-output' | 'task-finished' }>;

/** True when `ack` tells the agent that `report` is stored (the agent stops re-sending it). */
export function acknowledges(ack: Acknowledgement, report: RunReport): boolean {
  if (ack.taskId !== report.taskId || ack.run !== report.run) return false;
  switch (ack.type) {
    case 'started-ack':
      return report.type === 'task-started';
    case 'output-ack':
      return report.type === 'task-output' && report.seq <= ack.seq;
    case 'finish-ack':
      return true;
  }
}

/**
 * True when sending `ack` makes `other`, an acknowledgement to the same agent not yet sent,
 * redundant: everything `other` acknowledges, `ack` acknowledges too.
 */
export function supersedes(ack: Acknowledgement, other: Acknowledgement): boolean {
  if (ack.taskId !== other.taskId || ack.run !== other.run) return false;
  switch (ack.type) {
    case 'finish-ack':
      return true;
    case 'output-ack':
      return other.type === 'output-ack' && other.seq <= ack.seq;
    case 'started-ack':
      return other.type === 'started-ack';
  }
}
