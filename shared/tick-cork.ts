import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Holds what one tick sends on WebSocket connections for one write per connection: the first
 * send of a tick corks that connection's TCP socket, and every corked socket is uncorked on the
 * next tick (`process.nextTick`). A burst to one peer (the control plane's started-ack and
 * finish-ack of a fast run; a simulated agent's task-ack, task-started and task-finished) then
 * costs one syscall and one TCP segment instead of one each. ws corks around each frame itself,
 * and corks nest. `_socket` is ws's TCP socket (not in its typings).
 */
export class TickCork {
  private readonly corked = new Set<Duplex>();

  /** Corks `socket`'s TCP socket until the next tick (once per tick). */
  hold(socket: WebSocket): void {
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
}
