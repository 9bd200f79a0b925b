import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { AgentSessions } from '../../controlplane/hub/agent-sessions.js';
import type { ServerMessage } from '../../shared/protocol.js';

/** A real WebSocket pair on loopback: the server side, held by AgentSessions, and a client that records what arrives. */
let http: Server;
let wss: WebSocketServer;
let serverSide: WebSocket;
let client: WebSocket;
const received: string[] = [];

beforeAll(async () => {
  http = createServer();
  wss = new WebSocketServer({ server: http });
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  client.on('message', (data: Buffer) => received.push(data.toString('utf8')));
  serverSide = await accepted;
});

afterAll(async () => {
  client.terminate();
  await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
});

describe('AgentSessions.send', () => {
  it('holds what one tick sends to an agent for one write, then sends it all, in order', async () => {
    const sessions = new AgentSessions();
    sessions.open('mi-1', serverSide);
    const tcp = (serverSide as unknown as { _socket: Duplex })._socket;
    const acks: ServerMessage[] = [
      { type: 'started-ack', taskId: 't-1.mi-1', run: 1 },
      { type: 'finish-ack', taskId: 't-1.mi-1', run: 1 },
      { type: 'started-ack', taskId: 't-2.mi-1', run: 1 },
    ];
    for (const ack of acks) expect(sessions.send('mi-1', ack)).toBe(true);
    // Corked while the tick lasts: nothing has been written to the socket yet.
    expect(tcp.writableCorked).toBeGreaterThan(0);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(tcp.writableCorked).toBe(0);
    await expect.poll(() => received.length).toBe(3);
    expect(received.map((text) => JSON.parse(text) as ServerMessage)).toEqual(acks);
    expect(sessions.send('mi-unknown', acks[0]!)).toBe(false);
  });
});
