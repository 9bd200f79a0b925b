import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AGENT_PATH, PROTOCOL_VERSION, type RegisterMessage } from '../../shared/protocol.js';
import { AGENT_VERSION } from '../../shared/version.js';
import { removeDir } from '../support/harness.js';
import { killServerProcesses, startedServer } from '../support/server-process.js';
import { signedForm } from '../support/signed-form.js';

const dirs: string[] = [];
afterAll(() => {
  killServerProcesses();
  for (const dir of dirs) removeDir(dir);
});

/** Collects what a raw socket receives; `until` resolves once the text so far matches. */
function reader(socket: Socket): { text(): string; until(pattern: RegExp): Promise<string>; ended: Promise<void> } {
  let text = '';
  const waiters: Array<{ pattern: RegExp; resolve(text: string): void }> = [];
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    text: () => text,
    until: (pattern) => (pattern.test(text) ? Promise.resolve(text) : new Promise((resolve) => waiters.push({ pattern, resolve }))),
    ended,
  };
}

/** A registered agent session over a raw WebSocket; `closed` gives the close code the server sent. */
async function registeredAgent(url: string, activation: { ActivationId: string; ActivationCode: string }): Promise<{ closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace('http://', 'ws://')}${AGENT_PATH}`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const registered = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString('utf8')) as { type: string }).type === 'registered') resolve();
    });
  });
  const register: RegisterMessage = {
    type: 'register',
    protocol: PROTOCOL_VERSION,
    activationId: activation.ActivationId,
    activationCode: activation.ActivationCode,
    agentVersion: AGENT_VERSION,
    hostname: 'drain-test',
    osType: 'Linux',
    instanceName: 'drain-test',
  };
  ws.send(JSON.stringify(register));
  await registered;
  return { closed };
}

describe('casim server on SIGTERM', () => {
  it('stops accepting, lets the call in flight finish with 200, closes agents with 1001, keeps what it acknowledged and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'casim-drain-'));
    dirs.push(dataDir);
    const server = await startedServer(dataDir);
    const activation = await server.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
    const agent = await registeredAgent(server.url, activation);

    // A call in flight: the headers are in, the body is held back. The server's 100 Continue
    // shows it has the request.
    const body = signedForm('CreateCommand', { Name: 'in-flight', Type: 'RunShellScript', CommandContent: Buffer.from('true').toString('base64') });
    const socket = connect(server.port, '127.0.0.1');
    const answer = reader(socket);
    socket.write(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await answer.until(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    socket.write(body.slice(0, 10));

    server.child.kill('SIGTERM');
    expect(await server.line(/draining/)).toBe('casim server: SIGTERM: draining: no new connections, 1 call(s) in flight get at most 10 s');

    // New connections are refused while the call in flight goes on.
    const refused = await new Promise<string>((resolve) => {
      const probe = connect(server.port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve('connected');
      });
      probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe('ECONNREFUSED');

    socket.write(body.slice(10));
    const response = await answer.until(/\r\n\r\n\{.*\}$/s);
    expect(response).toMatch(/HTTP\/1\.1 200 OK\r\n/);
    expect(response.toLowerCase()).toContain('connection: close');
    const json = JSON.parse(response.slice(response.lastIndexOf('\r\n\r\n') + 4)) as { CommandId?: string };
    expect(json.CommandId).toMatch(/^c-/);
    await answer.ended;

    expect(await agent.closed).toBe(1001);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toContain('casim server: stopped\n');
    expect(server.stderr()).not.toMatch(/error|warn/i);

    // What it acknowledged is in the store.
    const again = await startedServer(dataDir);
    await expect(again.client.call('DescribeCommands', { CommandId: json.CommandId! })).resolves.toMatchObject({ TotalCount: 1 });
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });
});
