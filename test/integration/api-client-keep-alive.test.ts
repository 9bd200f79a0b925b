import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../cli/api-client.js';

/** A loopback HTTP server that answers every call with `{}` and counts the connections it accepted. */
let server: Server;
let connections = 0;
let url = '';
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('{"RequestId":"r"}'));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function connectionsFor(keepAlive: boolean): Promise<number> {
  const client = new ApiClient({ server: url, accessKeyId: 'k', accessKeySecret: 's', regionId: 'cn-hangzhou', keepAlive });
  const before = connections;
  for (let i = 0; i < 3; i += 1) await client.call('DescribeRegions');
  client.close();
  return connections - before;
}

describe('ApiClient connections', () => {
  it('opens a connection per call by default (the CLI: none outlives a restarted server)', async () => {
    expect(await connectionsFor(false)).toBe(3);
  });

  it('reuses one connection with keepAlive, as the SDKs do', async () => {
    expect(await connectionsFor(true)).toBe(1);
  });
});
