import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { WebSocketServer, type WebSocket } from 'ws';

const AGENT = join(import.meta.dirname, 'bare-invoke-path-agent.js');

/**
 * An anchor of bench/invoke-latency.ts for an agent in its own process: the same path as one
 * InvokeCommand → Success with none of casim in it. The client POSTs a call over a kept-alive
 * HTTP connection; the server inserts a row into a SQLite file (WAL, synchronous=NORMAL, as the
 * store), pushes `{"id":…}` over a WebSocket to a small agent process (bare-invoke-path-agent.ts:
 * ws + node-pty), which spawns `/bin/sh -c true` in a PTY and answers when it has exited; the
 * server then updates the row. Timed from the call to that UPDATE's commit (ms each). No
 * signature, validation, status model, journal or script file: what any design with an HTTP API,
 * a durable store, a WebSocket push and a PTY per script costs on this machine.
 */
export async function bareInvokePath(iterations: number, agentArgs: readonly string[] = []): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'casim-bare-path-'));
  const db = new Database(join(dir, 'runs.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT NOT NULL)');
  const insert = db.prepare("INSERT INTO runs (id, status) VALUES (?, 'Pending')");
  const finish = db.prepare("UPDATE runs SET status = 'Success' WHERE id = ?");
  const waiting = new Map<string, () => void>();
  let agentSocket: WebSocket | undefined;
  let connected: () => void = () => {};
  const agentConnected = new Promise<void>((resolve) => (connected = resolve));

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('id') ?? '';
      insert.run(id);
      agentSocket?.send(JSON.stringify({ id }));
      const body = JSON.stringify({ id });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    agentSocket = socket;
    socket.on('message', (data: Buffer) => {
      const { id } = JSON.parse(data.toString('utf8')) as { id: string };
      finish.run(id);
      waiting.get(id)?.();
    });
    connected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const child = spawn(process.execPath, [...agentArgs, AGENT, `ws://127.0.0.1:${port}/`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exitedEarly = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bare-invoke-path-agent exited ${String(code)} before it connected`))));
  await Promise.race([agentConnected, exitedEarly]);
  exitedEarly.catch(() => {}); // its later exit, at the end, is expected

  const keepAlive = new Agent({ keepAlive: true });
  const call = (id: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const body = `id=${id}`;
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: keepAlive, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end(body);
    });

  const samples: number[] = [];
  try {
    for (let i = 0; i < iterations; i += 1) {
      const id = `run-${i}`;
      const start = performance.now();
      const stored = new Promise<void>((resolve) => waiting.set(id, resolve));
      await call(id);
      await stored;
      samples.push(performance.now() - start);
      waiting.delete(id);
      const row = db.prepare('SELECT status FROM runs WHERE id = ?').get(id) as { status: string } | undefined;
      if (row?.status !== 'Success') throw new Error(`bare path: run ${id} is ${row?.status ?? 'missing'}`);
    }
  } finally {
    keepAlive.destroy();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (const socket of wss.clients) socket.close();
    await exited;
    wss.close();
    await new Promise((resolve) => server.close(resolve));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}
