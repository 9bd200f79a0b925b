import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/protocol.js';
import { CLOSE_CODES } from '../../shared/protocol.js';
import { TickCork } from '../../shared/tick-cork.js';
import type { InstanceSelector } from '../domain/instance-selector.js';
import type { StoredPresence } from './stored-presence.js';

/**
 * What the store's `connected` column tells of `isConnected` right now, so that a listing may
 * filter on it in SQL: not `trusted` without a StoredPresence or after a failed presence write
 * (ask the sessions); else the column is `isConnected`, except that the instances `offline`
 * selects count as offline whatever it says (agent-offline faults in force).
 */
export type PresenceColumn = { trusted: true; offline: readonly InstanceSelector[] } | { trusted: false };

/** The column as a StoredPresence keeps it: trusted while every presence write has landed. */
export function presenceColumnOf(presence: Pick<StoredPresence, 'isExact'> | undefined): PresenceColumn {
  return presence?.isExact() ? { trusted: true, offline: [] } : { trusted: false };
}

/** Sends to a connected agent; false when the instance has no live session. */
export interface AgentSender {
  send(instanceId: string, message: ServerMessage): boolean;
  isConnected(instanceId: string): boolean;
  /** How far the store's `connected` column may stand for `isConnected` (PresenceColumn). */
  presenceColumn(): PresenceColumn;
}

/** What the sessions tell the store (StoredPresence). */
export type PresenceWriter = Pick<StoredPresence, 'set' | 'isExact'>;

/**
 * The live WebSocket session of each connected instance (at most one: a new session replaces
 * the old one). Knows nothing of the protocol beyond sending a message; AgentHub reads frames.
 */
export class AgentSessions implements AgentSender {
  private readonly sockets = new Map<string, WebSocket>();
  /** What one tick sends to an agent leaves in one write (a group commit's acknowledgements, several tasks). */
  private readonly cork = new TickCork();

  /** `presence` keeps the store's `connected` column equal to `isConnected`. */
  constructor(private readonly presence?: PresenceWriter) {}

  /** Makes `socket` the instance's session, closing the one it replaces. */
  open(instanceId: string, socket: WebSocket): void {
    const previous = this.sockets.get(instanceId);
    if (previous && previous !== socket) previous.close(CLOSE_CODES.replaced, 'replaced by a new session');
    this.sockets.set(instanceId, socket);
    if (!previous) this.presence?.set(instanceId, true);
  }

  /** Forgets `socket` if it is still the instance's session; true when it was. */
  closed(instanceId: string, socket: WebSocket): boolean {
    if (this.sockets.get(instanceId) !== socket) return false;
    this.sockets.delete(instanceId);
    this.presence?.set(instanceId, false);
    return true;
  }

  isConnected(instanceId: string): boolean {
    return this.sockets.has(instanceId);
  }

  presenceColumn(): PresenceColumn {
    return presenceColumnOf(this.presence);
  }

  count(): number {
    return this.sockets.size;
  }

  /** The instances with a session (what the `connected` column says, StoredPresence). */
  connectedIds(): Iterable<string> {
    return this.sockets.keys();
  }

  send(instanceId: string, message: ServerMessage): boolean {
    const socket = this.sockets.get(instanceId);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    this.cork.hold(socket);
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
    for (const [instanceId, socket] of this.sockets) {
      socket.terminate();
      this.presence?.set(instanceId, false);
    }
    this.sockets.clear();
  }
}
