/**
 * The anchor of bench/fleet-scale.ts: a bare `ws` server with no API, no store and no schema. A
 * control socket sends `{"id":…,"to":[client numbers]}`; the server forwards `{"id":…}` to each of
 * those clients and, once every one has answered, tells the control socket `{"done":…}`. Clients
 * say which number they are in their first frame. Prints the port on stdout.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const clients = new Map<number, WebSocket>();
const waiting = new Map<string, { left: number; control: WebSocket }>();
const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });

server.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as { hello?: number; control?: true; id?: string; to?: number[]; reply?: string };
    if (message.hello !== undefined) clients.set(message.hello, socket);
    else if (message.to && message.id) {
      waiting.set(message.id, { left: message.to.length, control: socket });
      for (const n of message.to) clients.get(n)?.send(JSON.stringify({ id: message.id }));
    } else if (message.reply) {
      const entry = waiting.get(message.reply);
      if (!entry) return;
      entry.left -= 1;
      if (entry.left === 0) {
        waiting.delete(message.reply);
        entry.control.send(JSON.stringify({ done: message.reply }));
      }
    }
  });
});
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
