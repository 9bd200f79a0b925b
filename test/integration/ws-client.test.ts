import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ensureTlsMaterial } from '../../controlplane/real-agent/tls-material.js';
import { requireBuild, tempDir } from '../support/processes.js';

/**
 * The agent's WebSocket client (agent/ws-client.ts) loads tls, https and zlib only when a
 * connection needs them. Each case runs in a fresh Node process (the built dist/), where `ws` is
 * first loaded by ws-client.ts itself (in this process the test's own server loaded it already).
 */
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** An echo server on loopback; with `server`, on that HTTPS server. */
function echoServer(options: { perMessageDeflate?: boolean; server?: Server } = {}): Promise<number> {
  const perMessageDeflate = options.perMessageDeflate ?? false;
  const wss = options.server ? new WebSocketServer({ server: options.server, perMessageDeflate }) : new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  closers.push(() => wss.close());
  const server = options.server;
  if (server) {
    closers.push(() => server.close());
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  }
  return new Promise((resolve) => wss.on('listening', () => resolve((wss.address() as AddressInfo).port)));
}

interface Outcome {
  echo: string;
  extensions: string;
  /** Whether each built-in was loaded once the echo came back. */
  loaded: Record<'tls' | 'https' | 'zlib' | 'http', boolean>;
}

/** In a fresh Node: sends `text` through agent/ws-client.ts's WebSocket to `url`, reports the echo. */
async function roundTrip(url: string, text: string, ca?: string): Promise<Outcome> {
  requireBuild();
  const script = `
    const { WebSocket } = await import(${JSON.stringify(join(process.cwd(), 'dist/agent/ws-client.js'))});
    const socket = new WebSocket(${JSON.stringify(url)}, ${JSON.stringify(ca === undefined ? {} : { ca })});
    socket.on('open', () => socket.send(${JSON.stringify(text)}));
    socket.on('message', (data) => {
      const loaded = (name) => process.moduleLoadList.includes('NativeModule ' + name);
      console.log(JSON.stringify({ echo: data.toString('utf8'), extensions: socket.extensions,
        loaded: { tls: loaded('tls'), https: loaded('https'), zlib: loaded('zlib'), http: loaded('http') } }));
      socket.close();
    });`;
  // Asynchronously: the server runs in this process.
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
  return JSON.parse(stdout) as Outcome;
}

describe('the agent\'s WebSocket client', () => {
  it('talks to a ws:// server without loading tls, https or zlib', async () => {
    const port = await echoServer();
    expect(await roundTrip(`ws://127.0.0.1:${port}/agent`, 'hello')).toEqual({ echo: 'hello', extensions: '', loaded: { tls: false, https: false, zlib: false, http: true } });
  });

  it('talks to a wss:// server, loading tls and https for it', async () => {
    const dir = tempDir('casim-ws-client-');
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const material = ensureTlsMaterial(dir);
    const port = await echoServer({ server: createServer({ cert: material.cert, key: material.key }) });
    const outcome = await roundTrip(`wss://127.0.0.1:${port}/agent`, 'over tls', readFileSync(material.caCertPath, 'utf8'));
    expect(outcome).toMatchObject({ echo: 'over tls', loaded: { tls: true, https: true } });
  });

  it('compresses with a server that accepts permessage-deflate, loading zlib for it', async () => {
    const port = await echoServer({ perMessageDeflate: true });
    const outcome = await roundTrip(`ws://127.0.0.1:${port}/agent`, 'x'.repeat(10_000));
    expect(outcome).toMatchObject({ echo: 'x'.repeat(10_000), loaded: { zlib: true, tls: false } });
    expect(outcome.extensions).toContain('permessage-deflate');
  });
});
