import type { ServerMessage } from '../../shared/protocol.js';
import type { AgentSender } from '../hub/agent-sessions.js';

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
  ) {}

  send(instanceId: string, message: ServerMessage): boolean {
    return (this.isRealAgent(instanceId) ? this.realAgents : this.casimAgents).send(instanceId, message);
  }

  isConnected(instanceId: string): boolean {
    return (this.isRealAgent(instanceId) ? this.realAgents : this.casimAgents).isConnected(instanceId);
  }

  storedPresenceExact(): boolean {
    return this.realAgents.storedPresenceExact() && this.casimAgents.storedPresenceExact();
  }

  disconnect(instanceId: string): void {
    (this.isRealAgent(instanceId) ? this.realAgents : this.casimAgents).disconnect(instanceId);
  }
}
