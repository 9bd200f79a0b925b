import { WebSocket } from 'ws';
import { parseServerMessage, type ServerMessage } from '../../shared/protocol.js';
import { waitFor } from './harness.js';

/** A WebSocket session at `/agent` that speaks (or breaks) the protocol by hand. */
export interface RawAgentSession {
  socket: WebSocket;
  /** The next server message (validated), waiting up to 5 s. */
  next(): Promise<ServerMessage>;
  /** Messages received and not yet taken by next(). */
  inbox: ServerMessage[];
  /** Resolves with the close code once the socket is closed. */
  closed: Promise<number>;
  send(frame: unknown): void;
}

export async function rawSession(serverUrl: string): Promise<RawAgentSession> {
  const socket = new WebSocket(serverUrl.replace(/^http/, 'ws') + '/agent');
  const inbox: ServerMessage[] = [];
  socket.on('message', (data: Buffer) => {
    const parsed = parseServerMessage(data.toString('utf8'));
    if (parsed.ok) inbox.push(parsed.message);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    socket,
    inbox,
    closed,
    next: () => waitFor(() => inbox.shift(), 5_000, 'a server message'),
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
  };
}

/** Registers a new managed instance by hand: its ID and secret. */
export async function registerByHand(serverUrl: string, activation: { id: string; code: string }): Promise<{ instanceId: string; secret: string }> {
  const session = await rawSession(serverUrl);
  session.send({ type: 'register', protocol: 1, activationId: activation.id, activationCode: activation.code, agentVersion: 'fuzz', hostname: 'fuzz', osType: 'Linux' });
  const registered = await session.next();
  if (registered.type !== 'registered') throw new Error(`not registered: ${JSON.stringify(registered)}`);
  session.socket.close();
  await session.closed;
  return { instanceId: registered.instanceId, secret: registered.secret };
}
