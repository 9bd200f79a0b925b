import type { ServerMessage } from '../../shared/protocol.js';
import type { AgentSender, PresenceColumn } from '../hub/agent-sessions.js';

/**
 * One AgentSender for the control plane, two kinds of agent behind it: instances registered by
 * the real agent (`aliyun-service`) go to its outbox, every other instance to casim's `/agent`
 * sessions.
 */
/** What the control plane needs of agents: send, presence, and cutting an instance's link. */
export type AgentLink = AgentSender & { disconnect(instanceId: string): void };

export class RoutedAgentSender implements AgentLink {
  constructor(
    private readonly realAgents: AgentLink,
    private readonly casimAgents: AgentLink,
    private readonly isRealAgent: (instanceId: string) => boolean,
    /** Every real-agent instance (isRealAgent's set). */
    private readonly realAgentIds: () => readonly string[],
  ) {}

  send(instanceId: string, message: ServerMessage): boolean {
    return (this.isRealAgent(instanceId) ? this.realAgents : this.casimAgents).send(instanceId, message);
  }

  isConnected(instanceId: string): boolean {
    return (this.isRealAgent(instanceId) ? this.realAgents : this.casimAgents).isConnected(instanceId);
  }

  /** Both columns, each side's `offline` applying to its own instances only. */
  presenceColumn(): PresenceColumn {
    const real = this.realAgents.presenceColumn();
    const casim = this.casimAgents.presenceColumn();
    if (!real.trusted || !casim.trusted) return { trusted: false };
    if (real.offline.length === 0 && casim.offline.length === 0) return casim;
    const realIds = this.realAgentIds();
    return {
      trusted: true,
      offline: [
        ...real.offline.map((s) => ({ ...s, instanceIds: (s.instanceIds ?? realIds).filter((id) => this.isRealAgent(id)) })),
        ...casim.offline.map((s) => (realIds.length === 0 ? s : { ...s, exceptIds: [...(s.exceptIds ?? []), ...realIds] })),
      ],
    };
  }

  disconnect(instanceId: string): void {
    (this.isRealAgent(instanceId) ? this.realAgents : this.casimAgents).disconnect(instanceId);
  }
}
