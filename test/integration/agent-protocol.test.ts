import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../shared/clock.js';
import { parseServerMessage, type ServerMessage } from '../../shared/protocol.js';
import { useServerWithAgent, waitFor } from '../support/harness.js';

const clock = new AdjustableClock();
const env = useServerWithAgent('protocol', { clock });

/** A raw WebSocket session at /agent, speaking the protocol by hand. */
async function session(): Promise<{ socket: WebSocket; next: () => Promise<ServerMessage> }> {
  const socket = new WebSocket(env.test.server.url.replace('http', 'ws') + '/agent');
  const inbox: ServerMessage[] = [];
  socket.on('message', (data: Buffer) => {
    const parsed = parseServerMessage(data.toString('utf8'));
    if (parsed.ok) inbox.push(parsed.message);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, next: () => waitFor(() => inbox.shift(), 5_000, 'a server message') };
}

async function lastHeartbeat(instanceId: string): Promise<string> {
  const body = await env.test.client.call<{ InstanceCloudAssistantStatusSet: { InstanceCloudAssistantStatus: Array<{ LastHeartbeatTime: string }> } }>(
    'DescribeCloudAssistantStatus',
    { InstanceId: [instanceId] },
  );
  return body.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus[0]!.LastHeartbeatTime;
}

describe('the agent protocol at /agent', () => {
  it('welcomes a hello with the right secret and moves LastHeartbeatTime on each heartbeat', async () => {
    const identity = JSON.parse(readFileSync(`${env.local.stateDir}/identity.json`, 'utf8')) as { instanceId: string; secret: string };
    env.local.agent.stop();
    await waitFor(() => (env.test.server.sessions.isConnected(identity.instanceId) ? undefined : true), 5_000, 'disconnect');
    const { socket, next } = await session();
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, ...identity, agentVersion: 'test', hostname: 'h', osType: 'Linux' }));
    expect(await next()).toEqual({ type: 'welcome', instanceId: identity.instanceId, heartbeatSeconds: 30 });
    const before = Date.parse(await lastHeartbeat(identity.instanceId));
    clock.advance(90_000);
    socket.send(JSON.stringify({ type: 'heartbeat' }));
    const after = await waitFor(async () => {
      const time = Date.parse(await lastHeartbeat(identity.instanceId));
      return time - before >= 90_000 ? time : undefined;
    }, 5_000, 'a newer heartbeat');
    expect(after - before).toBeGreaterThanOrEqual(90_000);
    socket.close();
  });

  it('rejects another protocol version and a first frame that is not hello or register', async () => {
    const first = await session();
    first.socket.send(JSON.stringify({ type: 'hello', protocol: 99, instanceId: 'mi-x', secret: 's', agentVersion: 'v', hostname: 'h', osType: 'Linux' }));
    expect(await first.next()).toEqual({ type: 'rejected', reason: 'unsupported protocol 99' });
    const second = await session();
    second.socket.send(JSON.stringify({ type: 'heartbeat' }));
    expect(await second.next()).toEqual({ type: 'rejected', reason: 'expected hello or register first' });
  });
});
