import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../shared/logger.js';
import type { AgentEventHandler, FileEventHandler } from '../hub/agent-hub.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { RealAgentOutbox } from './real-agent-outbox.js';
import type { SignedRequests } from './signed-request.js';

export const NOTIFY_PATH = '/luban/notify_server';
/** Server pings; a socket that answered none since the last one is cut. */
const PING_MS = 30_000;
/** The agent only ever sends short `accept:`/`unknow:`/`reject:` replies (§3.4). */
const MAX_FRAME_BYTES = 4096;

/**
 * The `wss://…/luban/notify_server` channel (spec/real-agent-protocol.md §3.4): a signed
 * upgrade, then kicks from the server and short replies from the agent. An open channel is the
 * instance's "connected" (DescribeCloudAssistantStatus shows it online), like casim's `/agent`
 * session: opening it re-pushes what waits for the instance, closing it starts the agent-lost clock.
 */
export class KickChannel {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly alive = new Map<WebSocket, boolean>();
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly signed: SignedRequests,
    private readonly outbox: RealAgentOutbox,
    private readonly registry: InstanceRegistry,
    private readonly runs: AgentEventHandler,
    private readonly files: FileEventHandler,
    private readonly logger: Logger,
  ) {
    this.pinger = setInterval(() => this.ping(), PING_MS);
    this.pinger.unref();
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    const caller = path === NOTIFY_PATH ? this.signed.identify(request.headers) : ({ ok: false, reason: 'not-found' } as const);
    if (!caller.ok) {
      const status = caller.reason === 'not-found' ? '404 Not Found' : '401 Unauthorized';
      this.logger.warn('real agent upgrade refused', { url: request.url, reason: caller.reason });
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(caller.instanceId, ws));
  }

  private accept(instanceId: string, socket: WebSocket): void {
    this.alive.set(socket, true);
    const replaced = this.outbox.attach(instanceId, socket);
    replaced?.close(1000, 'replaced by a new channel');
    socket.on('pong', () => this.alive.set(socket, true));
    socket.on('message', (data: RawData) => {
      this.alive.set(socket, true);
      this.logger.debug('real agent kick reply', { instanceId, reply: rawText(data).slice(0, 200) });
    });
    socket.on('error', (error) => this.logger.warn('real agent channel error', { instanceId, error: error.message }));
    socket.on('close', () => {
      this.alive.delete(socket);
      if (this.outbox.detach(instanceId, socket)) {
        this.logger.info('real agent channel closed', { instanceId });
        this.runs.onDisconnected(instanceId);
      }
    });
    this.logger.info('real agent channel open', { instanceId });
    try {
      this.registry.recordHeartbeat(instanceId);
      this.runs.onConnected(instanceId, false);
      this.files.onConnected(instanceId);
    } catch (error) {
      // E.g. the store is unavailable: the start-up fetch and the sweeper hand the work out later.
      this.logger.warn('real agent channel: pending work not re-pushed', { instanceId, error: (error as Error).message });
    }
  }

  private ping(): void {
    for (const [socket, alive] of this.alive) {
      if (!alive) {
        socket.terminate();
        continue;
      }
      this.alive.set(socket, false);
      socket.ping();
    }
  }

  /** Closes every channel with 1001 (going away). */
  close(): Promise<void> {
    clearInterval(this.pinger);
    for (const socket of this.alive.keys()) socket.close(1001, 'server shutting down');
    const cut = setTimeout(() => {
      for (const socket of this.alive.keys()) socket.terminate();
    }, 2_000);
    return new Promise<void>((resolve) => this.wss.close(() => resolve())).finally(() => clearTimeout(cut));
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
