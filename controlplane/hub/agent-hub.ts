import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../shared/logger.js';
import {
  CLOSE_CODES,
  MAX_AGENT_FRAME_BYTES,
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
import { isStoreUnavailable } from '../store/store-unavailable.js';
import type { AgentSessions } from './agent-sessions.js';
import { ReadBackpressure } from './read-backpressure.js';

export type { AgentSender } from './agent-sessions.js';

/**
 * What the hub reports about an instance's runs; implemented by the invocation service, which
 * acknowledges each message itself once what it confirms is stored.
 */
export interface AgentEventHandler {
  /** `coldStart`: the agent's first start since its machine booted. */
  onConnected(instanceId: string, coldStart: boolean): void;
  onDisconnected(instanceId: string): void;
  onTaskAcked(instanceId: string, taskId: string, run: number): void;
  onTaskStarted(instanceId: string, message: TaskStartedMessage): void;
  onTaskOutput(instanceId: string, message: TaskOutputMessage): void;
  onTaskFinished(instanceId: string, message: TaskFinishedMessage): void;
}

/** What the hub reports about SendFile files; implemented by the send-file service. */
export interface FileEventHandler {
  onConnected(instanceId: string): void;
  /** Stores the result and acknowledges it (`file-finish-ack`) itself once it is durable. */
  onFileFinished(instanceId: string, message: FileFinishedMessage): void;
}

export const HEARTBEAT_SECONDS = 30;
const HELLO_TIMEOUT_MS = 10_000;
/** Pings are spread over the heartbeat interval: each second, the sockets of one slot. */
const PING_SLOTS = HEARTBEAT_SECONDS;
/** WebSocket close code: the store cannot take the session now; the agent retries later. */
const TRY_AGAIN_LATER = 1013;
const INTERNAL_ERROR = 1011;

interface Session {
  instanceId: string | undefined;
  slot: number;
  alive: boolean;
}

/**
 * Reads the `/agent` WebSocket: authenticates the first frame (hello or register), validates
 * every frame against the protocol's schema and routes it. Hostile input ends only its own
 * session: a frame that fails validation closes that socket with a protocol error (and a log
 * line); a message the store cannot take now (e.g. a full disk) stays unacknowledged, and the
 * agent re-sends it.
 */
export class AgentHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_AGENT_FRAME_BYTES });
  private readonly open = new Map<WebSocket, Session>();
  private readonly backpressure = new ReadBackpressure();
  private readonly pinger: NodeJS.Timeout;
  private nextSlot = 0;
  private tick = 0;

  constructor(
    private readonly sessions: AgentSessions,
    private readonly registry: InstanceRegistry,
    private readonly runs: AgentEventHandler,
    private readonly files: FileEventHandler,
    private readonly logger: Logger,
  ) {
    this.wss.on('connection', (socket: WebSocket) => this.accept(socket));
    this.pinger = setInterval(() => this.pingSlot(), (HEARTBEAT_SECONDS * 1000) / PING_SLOTS);
    this.pinger.unref();
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
  }

  /**
   * Closes every agent socket with 1001 (going away), so agents know the server is shutting
   * down; a socket still open after `graceMs` is cut. Settles when all of them are closed.
   */
  close(graceMs = 2_000): Promise<void> {
    clearInterval(this.pinger);
    const closed = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const socket of this.open.keys()) socket.close(CLOSE_CODES.goingAway, 'server shutting down');
    const cut = setTimeout(() => {
      for (const socket of this.open.keys()) socket.terminate();
    }, graceMs);
    return closed.finally(() => clearTimeout(cut));
  }


  private pingSlot(): void {
    const slot = this.tick % PING_SLOTS;
    this.tick += 1;
    for (const [socket, session] of this.open) {
      if (session.slot !== slot) continue;
      if (!session.alive) {
        this.logger.warn('agent did not answer the last ping; dropping the session', { instanceId: session.instanceId });
        socket.terminate();
        continue;
      }
      session.alive = false;
      socket.ping();
    }
  }

  private reply(socket: WebSocket, message: ServerMessage): void {
    socket.send(JSON.stringify(message));
  }

  private refuse(socket: WebSocket, instanceId: string | undefined, code: number, reason: string, detail?: string): void {
    this.logger.warn(`agent frame refused: ${reason}`, { instanceId, detail });
    socket.close(code, reason);
  }

  private accept(socket: WebSocket): void {
    const session: Session = { instanceId: undefined, slot: this.nextSlot++ % PING_SLOTS, alive: true };
    this.open.set(socket, session);
    const helloTimer = setTimeout(() => socket.close(CLOSE_CODES.noHello, 'no hello'), HELLO_TIMEOUT_MS);
    socket.on('pong', () => (session.alive = true));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      // A socket this side has closed (a refused frame, a replaced session) is not listened to:
      // what its peer sends until the closing handshake ends changes nothing.
      if (socket.readyState !== socket.OPEN) return;
      session.alive = true;
      if (isBinary) return this.refuse(socket, session.instanceId, CLOSE_CODES.protocolError, 'binary frame');
      const parsed = parseAgentMessage(rawText(data));
      if (!parsed.ok) return this.refuse(socket, session.instanceId, CLOSE_CODES.protocolError, 'invalid frame', parsed.reason);
      try {
        if (session.instanceId === undefined) {
          session.instanceId = this.identify(socket, parsed.message);
          if (session.instanceId !== undefined) clearTimeout(helloTimer);
          return;
        }
        this.dispatch(session.instanceId, socket, parsed.message);
        this.backpressure.check(socket);
      } catch (error) {
        if (isStoreUnavailable(error)) {
          this.logger.warn('store unavailable: agent message not acknowledged (the agent re-sends it)', {
            instanceId: session.instanceId,
            type: parsed.message.type,
            error: (error as Error).message,
          });
          if (session.instanceId === undefined) socket.close(TRY_AGAIN_LATER, 'store unavailable');
          return;
        }
        this.logger.error('agent message failed', { instanceId: session.instanceId, type: parsed.message.type, error: (error as Error).stack });
        socket.close(INTERNAL_ERROR, 'internal error');
      }
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.backpressure.forget(socket);
      this.open.delete(socket);
      const instanceId = session.instanceId;
      if (instanceId !== undefined && this.sessions.closed(instanceId, socket)) {
        this.logger.info('agent disconnected', { instanceId });
        this.runs.onDisconnected(instanceId);
      }
    });
    socket.on('error', (error) => this.logger.warn('agent socket error', { instanceId: session.instanceId, error: error.message }));
  }

  /** Handles the first frame (hello or register); returns the session's instance ID. */
  private identify(socket: WebSocket, message: AgentMessage): string | undefined {
    if ((message.type === 'hello' || message.type === 'register') && message.protocol !== PROTOCOL_VERSION) {
      this.reply(socket, { type: 'rejected', reason: `unsupported protocol ${String(message.protocol)}` });
      socket.close(CLOSE_CODES.unsupportedProtocol, 'protocol');
      return undefined;
    }
    if (message.type === 'register') {
      const facts = { hostname: message.hostname, agentVersion: message.agentVersion, osType: message.osType, machine: message.machine };
      const result = this.registry.registerWithActivation(message.activationId, message.activationCode, facts, message.instanceName);
      if (!result.ok) {
        this.reply(socket, { type: 'rejected', reason: result.reason });
        socket.close(CLOSE_CODES.authenticationFailed, 'registration refused');
        return undefined;
      }
      this.logger.info('managed instance registered', { instanceId: result.instanceId });
      this.reply(socket, { type: 'registered', instanceId: result.instanceId, secret: result.secret });
      return this.welcome(socket, result.instanceId, facts, false);
    }
    if (message.type === 'hello') {
      if (!this.registry.authenticate(message.instanceId, message.secret)) {
        this.reply(socket, { type: 'rejected', reason: 'unknown instance or wrong secret' });
        socket.close(CLOSE_CODES.authenticationFailed, 'authentication failed');
        return undefined;
      }
      const facts = { hostname: message.hostname, agentVersion: message.agentVersion, osType: message.osType, timeZone: message.timeZone, machine: message.machine };
      return this.welcome(socket, message.instanceId, facts, message.coldStart === true);
    }
    this.reply(socket, { type: 'rejected', reason: 'expected hello or register first' });
    socket.close(CLOSE_CODES.noHello, 'no hello');
    return undefined;
  }

  private welcome(socket: WebSocket, instanceId: string, facts: AgentFacts, coldStart: boolean): string {
    this.registry.recordHeartbeat(instanceId, facts);
    this.sessions.open(instanceId, socket);
    this.reply(socket, { type: 'welcome', instanceId, heartbeatSeconds: HEARTBEAT_SECONDS });
    this.logger.info('agent connected', { instanceId, agentVersion: facts.agentVersion, hostname: facts.hostname });
    this.runs.onConnected(instanceId, coldStart);
    this.files.onConnected(instanceId);
    return instanceId;
  }

  private dispatch(instanceId: string, socket: WebSocket, message: AgentMessage): void {
    switch (message.type) {
      case 'hello':
      case 'register':
        this.refuse(socket, instanceId, CLOSE_CODES.protocolError, 'repeated hello');
        return;
      case 'heartbeat':
        this.registry.recordHeartbeat(instanceId);
        return;
      case 'task-ack':
        this.runs.onTaskAcked(instanceId, message.taskId, message.run);
        return;
      case 'task-started':
        this.runs.onTaskStarted(instanceId, message);
        return;
      case 'task-output':
        this.runs.onTaskOutput(instanceId, message);
        return;
      case 'task-finished':
        this.runs.onTaskFinished(instanceId, message);
        return;
      case 'file-finished':
        this.files.onFileFinished(instanceId, message);
        return;
    }
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
