import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between an agent and the control plane that misbehaves on demand:
 * - `pass`: forwards both directions;
 * - `blackhole`: the link stays up, every byte in either direction is silently dropped;
 * - `drop-upstream`: bytes from the agent to the server are dropped, the other way passes;
 * - `cut()`: resets every connection (the agent reconnects through the proxy).
 */
export type ProxyMode = 'pass' | 'blackhole' | 'drop-upstream';

export class TcpProxy {
  mode: ProxyMode = 'pass';
  private readonly server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  /** Bytes dropped so far, by direction. */
  readonly dropped = { upstream: 0, downstream: 0 };

  constructor(targetPort: number) {
    this.server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      client.on('data', (chunk: Buffer) => {
        if (this.mode === 'pass') upstream.write(chunk);
        else this.dropped.upstream += chunk.length;
      });
      upstream.on('data', (chunk: Buffer) => {
        if (this.mode !== 'blackhole') client.write(chunk);
        else this.dropped.downstream += chunk.length;
      });
      const end = (): void => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  }

  /** Resets every open connection. */
  cut(): void {
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  get connections(): number {
    return this.pairs.size;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
