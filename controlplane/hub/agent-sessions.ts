import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/protocol.js';
import { CLOSE_CODES } from '../../shared/protocol.js';

/** Sends to a connected agent; false when the instance has no live session. */
export interface AgentSender {
  send(instanceId: string, message: ServerMessage): boolean;
  isConnected(instanceId: string): boolean;
}

/**
 * The live WebSocket session of each connected instance (at most one: a new session replaces
 * the old one). Knows nothing of the protocol beyond sending a message; AgentHub reads frames.
 */
export class AgentSessions implements AgentSender {
  private readonly sockets = new Map<string, WebSocket>();

  /** Makes `socket` the instance's session, closing the one it replaces. */
  open(instanceId: string, socket: WebSocket): void {
    const previous = this.sockets.get(instanceId);
    if (previous && previous !== socket) previous.close(CLOSE_CODES.replaced, 'replaced by a new session');
    this.sockets.set(instanceId, socket);
  }

  /** Forgets `socket` if it is still the instance's session; true when it was. */
  closed(instanceId: string, socket: WebSocket): boolean {
    if (this.sockets.get(instanceId) !== socket) return false;
    this.sockets.delete(instanceId);
    return true;
  }

  isConnected(instanceId: string): boolean {
    return this.sockets.has(instanceId);
  }

  count(): number {
    return this.sockets.size;
  }

  send(instanceId: string, message: ServerMessage): boolean {
    const socket = this.sockets.get(instanceId);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes an instance's session (e.g. when the instance is deleted). */
  disconnect(instanceId: string, code: number = CLOSE_CODES.instanceRemoved, reason = 'instance removed'): void {
    this.sockets.get(instanceId)?.close(code, reason);
  }

  /** Closes every session with `code` (e.g. 1001 going away on shutdown). */
  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets.values()) socket.close(code, reason);
  }

  /** Drops every session at once, without a closing handshake. */
  terminateAll(): void {
    for (const socket of this.sockets.values()) socket.terminate();
    this.sockets.clear();
  }
}
