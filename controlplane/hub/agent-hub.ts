import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../shared/logger.js';
import {
  PROTOCOL_VERSION,
  parseAgentMessage,
  type AgentMessage,
  type FileFinishedMessage,
  type ServerMessage,
  type TaskFinishedMessage,
  type TaskOutputMessage,
  type TaskStartedMessage,
} from '../../shared/protocol.js';
import type { AgentFacts, InstanceRegistry } from '../instances/instance-registry.js';

/** What the hub reports about connected agents; implemented by the invocation service. */
export interface AgentEventHandler {
  /** `coldStart`: the agent's first start since its machine booted. */
  onConnected(instanceId: string, coldStart: boolean): void;
  onTaskAcked(instanceId: string, taskId: string, run: number): void;
  onTaskStarted(instanceId: string, message: TaskStartedMessage): void;
  onTaskOutput(instanceId: string, message: TaskOutputMessage): void;
  /** Must persist the result before returning: the hub acknowledges it right after. */
  onTaskFinished(instanceId: string, message: TaskFinishedMessage): void;
}

/** What the hub reports about SendFile files; implemented by the send-file service. */
export interface FileEventHandler {
  onConnected(instanceId: string): void;
  /** Must persist the result before returning: the hub acknowledges it right after. */
  onFileFinished(instanceId: string, message: FileFinishedMessage): void;
}

/** Sends to a connected agent; false when the instance has no live session. */
export interface AgentSender {
  send(instanceId: string, message: ServerMessage): boolean;
  isConnected(instanceId: string): boolean;
}

export const HEARTBEAT_SECONDS = 30;
const HELLO_TIMEOUT_MS = 10_000;

/** One WebSocket session per connected instance, at `/agent`. */
export class AgentHub implements AgentSender {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  private readonly sessions = new Map<string, WebSocket>();
  private handler: AgentEventHandler | undefined;
  private fileHandler: FileEventHandler | undefined;
  private readonly pinger: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly logger: Logger,
  ) {
    this.wss.on('connection', (socket: WebSocket) => this.accept(socket));
    this.pinger = setInterval(() => this.pingAll(), HEARTBEAT_SECONDS * 1000);
    this.pinger.unref();
  }

  setHandler(handler: AgentEventHandler): void {
    this.handler = handler;
  }

  setFileHandler(handler: FileEventHandler): void {
    this.fileHandler = handler;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
  }

  isConnected(instanceId: string): boolean {
    return this.sessions.has(instanceId);
  }

  connectedCount(): number {
    return this.sessions.size;
  }

  send(instanceId: string, message: ServerMessage): boolean {
    const socket = this.sessions.get(instanceId);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes an instance's session (e.g. when the instance is deleted). */
  disconnect(instanceId: string): void {
    this.sessions.get(instanceId)?.close(4001, 'instance removed');
  }

  /**
   * Closes every agent socket with 1001 (going away), so agents know the server is shutting
   * down; a socket still open after `graceMs` is cut. Settles when all of them are closed.
   */
  close(graceMs = 2_000): Promise<void> {
    clearInterval(this.pinger);
    const closed = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const socket of this.wss.clients) socket.close(1001, 'server shutting down');
    const cut = setTimeout(() => this.wss.clients.forEach((socket) => socket.terminate()), graceMs);
    return closed.finally(() => clearTimeout(cut));
  }

  private pingAll(): void {
    for (const socket of this.sessions.values()) {
      if (!this.alive.has(socket)) {
        socket.terminate();
        continue;
      }
      this.alive.delete(socket);
      socket.ping();
    }
  }

  private reply(socket: WebSocket, message: ServerMessage): void {
    socket.send(JSON.stringify(message));
  }

  private accept(socket: WebSocket): void {
    let instanceId: string | undefined;
    const helloTimer = setTimeout(() => socket.close(4000, 'no hello'), HELLO_TIMEOUT_MS);
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const message = isBinary ? null : parseAgentMessage(data.toString('utf8'));
      if (!message) {
        this.logger.warn('agent sent an unknown frame', { instanceId });
        return;
      }
      if (instanceId === undefined) {
        instanceId = this.identify(socket, message);
        if (instanceId !== undefined) clearTimeout(helloTimer);
        return;
      }
      this.dispatch(instanceId, socket, message);
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (instanceId !== undefined && this.sessions.get(instanceId) === socket) {
        this.sessions.delete(instanceId);
        this.logger.info('agent disconnected', { instanceId });
      }
    });
    socket.on('error', (error) => this.logger.warn('agent socket error', { instanceId, error: error.message }));
  }

  /** Handles the first frame (hello or register); returns the session's instance ID. */
  private identify(socket: WebSocket, message: AgentMessage): string | undefined {
    if ((message.type === 'hello' || message.type === 'register') && message.protocol !== PROTOCOL_VERSION) {
      this.reply(socket, { type: 'rejected', reason: `unsupported protocol ${String(message.protocol)}` });
      socket.close(4002, 'protocol');
      return undefined;
    }
    if (message.type === 'register') {
      const facts = { hostname: message.hostname, agentVersion: message.agentVersion, osType: message.osType };
      const result = this.registry.registerWithActivation(message.activationId, message.activationCode, facts, message.instanceName);
      if (!result.ok) {
        this.reply(socket, { type: 'rejected', reason: result.reason });
        socket.close(4003, 'registration refused');
        return undefined;
      }
      this.logger.info('managed instance registered', { instanceId: result.instanceId });
      this.reply(socket, { type: 'registered', instanceId: result.instanceId, secret: result.secret });
      return this.open(socket, result.instanceId, facts, false);
    }
    if (message.type === 'hello') {
      if (!this.registry.authenticate(message.instanceId, message.secret)) {
        this.reply(socket, { type: 'rejected', reason: 'unknown instance or wrong secret' });
        socket.close(4003, 'authentication failed');
        return undefined;
      }
      const facts = { hostname: message.hostname, agentVersion: message.agentVersion, osType: message.osType, timeZone: message.timeZone };
      return this.open(socket, message.instanceId, facts, message.coldStart === true);
    }
    this.reply(socket, { type: 'rejected', reason: 'expected hello or register first' });
    socket.close(4000, 'no hello');
    return undefined;
  }

  private open(socket: WebSocket, instanceId: string, facts: AgentFacts, coldStart: boolean): string {
    const previous = this.sessions.get(instanceId);
    if (previous && previous !== socket) previous.close(4004, 'replaced by a new session');
    this.sessions.set(instanceId, socket);
    this.registry.recordHeartbeat(instanceId, facts);
    this.reply(socket, { type: 'welcome', instanceId, heartbeatSeconds: HEARTBEAT_SECONDS });
    this.logger.info('agent connected', { instanceId, agentVersion: facts.agentVersion, hostname: facts.hostname });
    this.handler?.onConnected(instanceId, coldStart);
    this.fileHandler?.onConnected(instanceId);
    return instanceId;
  }

  private dispatch(instanceId: string, socket: WebSocket, message: AgentMessage): void {
    const handler = this.handler;
    if (!handler) return;
    switch (message.type) {
      case 'hello':
      case 'register':
        this.logger.warn('agent repeated its hello', { instanceId });
        return;
      case 'heartbeat':
        this.registry.recordHeartbeat(instanceId);
        return;
      case 'task-ack':
        handler.onTaskAcked(instanceId, message.taskId, message.run);
        return;
      case 'task-started':
        handler.onTaskStarted(instanceId, message);
        return;
      case 'task-output':
        handler.onTaskOutput(instanceId, message);
        return;
      case 'task-finished':
        handler.onTaskFinished(instanceId, message);
        this.reply(socket, { type: 'finish-ack', taskId: message.taskId, run: message.run });
        return;
      case 'file-finished':
        if (!this.fileHandler) return;
        this.fileHandler.onFileFinished(instanceId, message);
        this.reply(socket, { type: 'file-finish-ack', fileId: message.fileId });
        return;
    }
  }
}
