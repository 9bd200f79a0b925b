import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../shared/protocol.js';
import { CLOSE_CODES } from '../../shared/protocol.js';
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
  /** TCP sockets corked by `send` in this tick; uncorked together on the next tick. */
  private readonly corked = new Set<Duplex>();

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

  send(instanceId: string, message: ServerMessage): boolean {
    const socket = this.sockets.get(instanceId);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    this.cork(socket);
    socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Messages sent to one agent in one tick (a group commit's acknowledgements: started-ack and
   * finish-ack of a fast run, or several tasks) leave in one write instead of one each. `_socket`
   * is ws's TCP socket (not in its typings); ws corks around each frame itself, and corks nest.
   */
  private cork(socket: WebSocket): void {
    const tcp = (socket as unknown as { _socket?: Duplex })._socket;
    if (!tcp || this.corked.has(tcp)) return;
    tcp.cork();
    if (this.corked.size === 0) process.nextTick(() => this.uncorkAll());
    this.corked.add(tcp);
  }

  private uncorkAll(): void {
    for (const tcp of this.corked) tcp.uncork();
    this.corked.clear();
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
