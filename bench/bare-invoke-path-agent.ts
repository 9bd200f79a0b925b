/**
 * The agent side of bench/bare-invoke-path.ts: a small process that loads `ws` and node-pty only.
 * `node bare-invoke-path-agent.js <ws url>` connects, and for every frame `{"id":…}` spawns
 * `/bin/sh -c true` in a PTY and answers `{"id":…}` once it has exited. No validation, journal,
 * script file or status model: the floor of an agent that runs a script in a PTY per task.
 */
import pty from 'node-pty';
import { WebSocket } from 'ws';

const url = process.argv[2];
if (!url) throw new Error('usage: bare-invoke-path-agent.js <ws url>');
const socket = new WebSocket(url, { perMessageDeflate: false });
socket.on('message', (data: Buffer) => {
  const { id } = JSON.parse(data.toString('utf8')) as { id: string };
  const child = pty.spawn('/bin/sh', ['-c', 'true'], { cwd: '/tmp', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  child.onExit(() => socket.send(JSON.stringify({ id })));
});
socket.on('close', () => process.exit(0));
