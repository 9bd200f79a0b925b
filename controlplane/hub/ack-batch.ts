import { supersedes } from '../../shared/ack-rules.js';
import type { ServerMessage } from '../../shared/protocol.js';
import { runKeyOf } from '../../shared/task-keys.js';
import type { AgentSender } from './agent-sessions.js';

type StartedAck = Extract<ServerMessage, { type: 'started-ack' }>;
type FinishAck = Extract<ServerMessage, { type: 'finish-ack' }>;

/**
 * The acknowledgements of one tick (one group commit's callbacks): a run's `started-ack` is held
 * until the end of the tick and dropped when its `finish-ack` goes out first, which confirms the
 * start too (shared/ack-rules.ts). A fast run whose task-started and task-finished were committed
 * together then costs the agent one acknowledgement frame instead of two. Both are queued only
 * after their commit, so what goes out is never ahead of what is stored.
 */
export class AckBatch {
  private readonly held = new Map<string, { instanceId: string; ack: StartedAck }>();

  constructor(
    private readonly agents: Pick<AgentSender, 'send'>,
    /** When the held acks go out: the end of this tick (tests pass their own). */
    private readonly defer: (flush: () => void) => void = (flush) => process.nextTick(flush),
  ) {}

  /** Sends `ack` at the end of this tick, unless the run's finish-ack is sent before then. */
  hold(instanceId: string, ack: StartedAck): void {
    if (this.held.size === 0) this.defer(() => this.flush());
    this.held.set(runKeyOf(ack.taskId, ack.run), { instanceId, ack });
  }

  /** Sends `ack` now, dropping the held ack of the same run it supersedes. */
  send(instanceId: string, ack: FinishAck): boolean {
    if (this.held.size > 0) {
      const key = runKeyOf(ack.taskId, ack.run);
      const held = this.held.get(key);
      if (held && supersedes(ack, held.ack)) this.held.delete(key);
    }
    return this.agents.send(instanceId, ack);
  }

  /** Sends what is held (the deferred call; at most once per tick). */
  flush(): void {
    if (this.held.size === 0) return;
    const held = [...this.held.values()];
    this.held.clear();
    for (const { instanceId, ack } of held) this.agents.send(instanceId, ack);
  }
}
