import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * The HTTP calls in flight on a server, so that a shutdown can let them finish. Attach it
 * before the request handler: it must see every request first.
 */
export class InFlightRequests {
  private readonly responses = new Set<ServerResponse>();
  private readonly idleWaiters: Array<() => void> = [];
  private draining = false;

  constructor(server: Server) {
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.responses.add(response);
      if (this.draining) response.setHeader('connection', 'close');
      response.once('close', () => {
        this.responses.delete(response);
        if (this.responses.size === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    });
  }

  get size(): number {
    return this.responses.size;
  }

  /**
   * From now on every answer closes its connection (no keep-alive reuse); resolves true once no
   * call is in flight, or false when some still are after `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    for (const response of this.responses) {
      if (!response.headersSent) response.setHeader('connection', 'close');
    }
    if (this.responses.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true))),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
