/**
 * DescribeManagedInstances' Connected read from the instances' `connected` column (schema 5):
 * real agents connecting and disconnecting flip it, a restart resets it, and an `agent-offline`
 * fault still hides an instance (what the fault matches counts as offline, in the same SQL).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PRESENCE_RESYNC_MS } from '../../controlplane/hub/stored-presence.js';
import { ApiClient } from '../../cli/api-client.js';
import { STORE_FILE, startServer, type RunningServer } from '../../controlplane/server.js';
import { Store } from '../../controlplane/store/store.js';
import { createLogger } from '../../shared/logger.js';
import { TEST_KEY, removeDir, startLocalAgent, waitFor, type LocalAgent, type TestServer } from '../support/harness.js';
import { RealAgentClient } from '../support/real-agent-client.js';
import { instanceRecord } from '../support/store-records.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function adminServer(dataDir: string, options: { realAgent?: boolean } = {}): Promise<TestServer> {
  const server: RunningServer = await startServer({
    host: '127.0.0.1', port: 0, dataDir, accessKeys: [TEST_KEY], admin: true, logger: createLogger('test-controlplane'), ...(options.realAgent ? { realAgent: { port: 0 } } : {}),
  });
  const client = new ApiClient({ server: server.url, accessKeyId: TEST_KEY.id, accessKeySecret: TEST_KEY.secret, regionId: 'cn-hangzhou' });
  return { server, client, dataDir, close: () => server.close() };
}

interface Listing {
  TotalCount: number;
  Instances: Array<{ InstanceId: string; Connected: boolean }>;
}

/** The instances DescribeManagedInstances lists for Connected=`connected` (offset pages, then a keyset page). */
async function listed(test: TestServer, connected: 'true' | 'false'): Promise<{ ids: string[]; total: number; keyset: string[] }> {
  const body = await test.client.call<Listing>('DescribeManagedInstances', { Connected: connected, PageSize: 50 });
  const keyset = await test.client.call<Listing>('DescribeManagedInstances', { Connected: connected, MaxResults: 50 });
  for (const i of body.Instances) expect(i.Connected).toBe(connected === 'true');
  return { ids: body.Instances.map((i) => i.InstanceId), total: body.TotalCount, keyset: keyset.Instances.map((i) => i.InstanceId) };
}

/** The stored `connected` column of each instance (a second, read-only connection). */
function storedColumn(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, STORE_FILE), { readonly: true });
  try {
    const rows = db.prepare('SELECT id, connected FROM instances').all() as Array<{ id: string; connected: number }>;
    return Object.fromEntries(rows.map((r) => [r.id, r.connected]));
  } finally {
    db.close();
  }
}

describe('DescribeManagedInstances Connected on the connected column', () => {
  it('follows real agents connecting and disconnecting, in SQL, with TotalCount and keyset pages', async () => {
    const test = await adminServer(mkdtempSync(join(tmpdir(), 'casim-connected-')));
    cleanup.push(() => removeDir(test.dataDir));
    cleanup.push(() => test.close());
    const a: LocalAgent = await startLocalAgent(test, 'alpha');
    const b: LocalAgent = await startLocalAgent(test, 'beta');
    cleanup.push(() => a.agent.stop(), () => b.agent.stop(), () => removeDir(a.stateDir), () => removeDir(b.stateDir));
    expect(test.server.faults?.isEmpty()).toBe(true);
    test.server.store.flush();
    expect(storedColumn(test.dataDir)).toEqual({ [a.instanceId]: 1, [b.instanceId]: 1 });
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId, a.instanceId], total: 2, keyset: [b.instanceId, a.instanceId] });
    expect(await listed(test, 'false')).toEqual({ ids: [], total: 0, keyset: [] });

    a.agent.stop();
    await waitFor(() => (test.server.sessions.isConnected(a.instanceId) ? undefined : true), 10_000, 'a to disconnect');
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId], total: 1, keyset: [b.instanceId] });
    expect(await listed(test, 'false')).toEqual({ ids: [a.instanceId], total: 1, keyset: [a.instanceId] });
    test.server.store.flush();
    expect(storedColumn(test.dataDir)).toEqual({ [a.instanceId]: 0, [b.instanceId]: 1 });

    // With no fault in force the listing reads the column, not the sessions: a row marked offline
    // behind the sessions' back is listed as offline (its view's Connected still asks the session).
    const db = new Database(join(test.dataDir, STORE_FILE));
    db.prepare('UPDATE instances SET connected = 0 WHERE id = ?').run(b.instanceId);
    db.close();
    expect((await test.client.call<Listing>('DescribeManagedInstances', { Connected: 'true' })).Instances).toEqual([]);
  }, 60_000);

  it('agent-offline still hides a connected instance from Connected=true (and shows it under false); the column again once the fault is gone', async () => {
    const test = await adminServer(mkdtempSync(join(tmpdir(), 'casim-connected-')));
    cleanup.push(() => removeDir(test.dataDir));
    cleanup.push(() => test.close());
    const a = await startLocalAgent(test, 'alpha');
    const b = await startLocalAgent(test, 'beta');
    cleanup.push(() => a.agent.stop(), () => b.agent.stop(), () => removeDir(a.stateDir), () => removeDir(b.stateDir));
    const fault = test.server.faults!.add({ kind: 'agent-offline', instanceIds: [a.instanceId] });
    test.server.store.flush();
    // The column still says connected: only the sessions (behind the fault) know better.
    expect(storedColumn(test.dataDir)[a.instanceId]).toBe(1);
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId], total: 1, keyset: [b.instanceId] });
    expect(await listed(test, 'false')).toEqual({ ids: [a.instanceId], total: 1, keyset: [a.instanceId] });
    // A fault on every instance; and a fault of another kind changes nothing.
    const all = test.server.faults!.add({ kind: 'agent-offline' });
    expect(await listed(test, 'true')).toEqual({ ids: [], total: 0, keyset: [] });
    expect(await listed(test, 'false')).toEqual({ ids: [b.instanceId, a.instanceId], total: 2, keyset: [b.instanceId, a.instanceId] });
    test.server.faults!.remove(all.id);
    const other = test.server.faults!.add({ kind: 'delivery-delay', seconds: 5 });
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId], total: 1, keyset: [b.instanceId] });
    // Still the column, not the sessions: a row marked offline behind the sessions' back is not listed.
    const db = new Database(join(test.dataDir, STORE_FILE));
    db.prepare('UPDATE instances SET connected = 0 WHERE id = ?').run(b.instanceId);
    expect((await test.client.call<Listing>('DescribeManagedInstances', { Connected: 'true' })).Instances).toEqual([]);
    db.prepare('UPDATE instances SET connected = 1 WHERE id = ?').run(b.instanceId);
    db.close();
    test.server.faults!.remove(other.id);
    test.server.faults!.remove(fault.id);
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId, a.instanceId], total: 2, keyset: [b.instanceId, a.instanceId] });
  }, 60_000);

  it('agent-offline does not reach the real agent\'s instances (as the sessions say): they stay listed under Connected=true', async () => {
    const test = await adminServer(mkdtempSync(join(tmpdir(), 'casim-connected-')), { realAgent: true });
    cleanup.push(() => removeDir(test.dataDir));
    cleanup.push(() => test.close());
    const a = await startLocalAgent(test, 'alpha');
    cleanup.push(() => a.agent.stop(), () => removeDir(a.stateDir));
    const endpoint = test.server.realAgent!;
    const agent = new RealAgentClient({ serverHost: endpoint.serverHost, ca: readFileSync(endpoint.caCertPath, 'utf8') });
    cleanup.push(() => agent.closeChannel());
    const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
    expect((await agent.register(ActivationId, ActivationCode, 'real-host')).status).toBe(200);
    await agent.openChannel();
    await waitFor(async () => ((await listed(test, 'true')).total === 2 ? true : undefined), 10_000, 'both to count as connected');
    test.server.faults!.add({ kind: 'agent-offline' });
    // What each instance's view says (the sessions, behind the fault).
    const views = (await test.client.call<Listing>('DescribeManagedInstances', {})).Instances;
    expect(Object.fromEntries(views.map((i) => [i.InstanceId, i.Connected]))).toEqual({ [agent.instanceId]: true, [a.instanceId]: false });
    expect(await listed(test, 'true')).toEqual({ ids: [agent.instanceId], total: 1, keyset: [agent.instanceId] });
    expect(await listed(test, 'false')).toEqual({ ids: [a.instanceId], total: 1, keyset: [a.instanceId] });
  }, 60_000);

  it('follows the real agent\'s kick channel opening and closing', async () => {
    const test = await adminServer(mkdtempSync(join(tmpdir(), 'casim-connected-')), { realAgent: true });
    cleanup.push(() => removeDir(test.dataDir));
    cleanup.push(() => test.close());
    const endpoint = test.server.realAgent!;
    const agent = new RealAgentClient({ serverHost: endpoint.serverHost, ca: readFileSync(endpoint.caCertPath, 'utf8') });
    cleanup.push(() => agent.closeChannel());
    const { ActivationId, ActivationCode } = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 1 });
    expect((await agent.register(ActivationId, ActivationCode, 'real-host')).status).toBe(200);
    expect(await listed(test, 'false')).toEqual({ ids: [agent.instanceId], total: 1, keyset: [agent.instanceId] });
    await agent.openChannel();
    await waitFor(async () => ((await listed(test, 'true')).total === 1 ? true : undefined), 10_000, 'the channel to count as connected');
    expect(await listed(test, 'true')).toEqual({ ids: [agent.instanceId], total: 1, keyset: [agent.instanceId] });
    expect(await listed(test, 'false')).toEqual({ ids: [], total: 0, keyset: [] });
    test.server.store.flush();
    expect(storedColumn(test.dataDir)).toEqual({ [agent.instanceId]: 1 });
    await agent.closeChannel();
    await waitFor(async () => ((await listed(test, 'true')).total === 0 ? true : undefined), 10_000, 'the channel to count as closed');
    expect(await listed(test, 'false')).toEqual({ ids: [agent.instanceId], total: 1, keyset: [agent.instanceId] });
    test.server.store.flush();
    expect(storedColumn(test.dataDir)).toEqual({ [agent.instanceId]: 0 });
  }, 60_000);

  it('after a failed presence write the listing asks the sessions, until the column is rewritten from them', async () => {
    const test = await adminServer(mkdtempSync(join(tmpdir(), 'casim-connected-')));
    cleanup.push(() => removeDir(test.dataDir));
    cleanup.push(() => test.close());
    const a = await startLocalAgent(test, 'alpha');
    cleanup.push(() => a.agent.stop(), () => removeDir(a.stateDir));
    // b's session opens but its presence write fails (as on a full disk).
    vi.spyOn(test.server.store.presence, 'set').mockImplementationOnce(() => {
      throw new Error('database or disk is full');
    });
    const b = await startLocalAgent(test, 'beta');
    cleanup.push(() => b.agent.stop(), () => removeDir(b.stateDir));
    expect(test.server.sessions.presenceColumn()).toEqual({ trusted: false });
    test.server.store.flush();
    expect(storedColumn(test.dataDir)).toEqual({ [a.instanceId]: 1, [b.instanceId]: 0 });
    // The sessions answer meanwhile.
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId, a.instanceId], total: 2, keyset: [b.instanceId, a.instanceId] });
    a.agent.stop();
    await waitFor(() => (test.server.sessions.isConnected(a.instanceId) ? undefined : true), 10_000, 'a to disconnect');
    test.server.store.flush();
    expect(storedColumn(test.dataDir)).toEqual({ [a.instanceId]: 1, [b.instanceId]: 0 }); // not followed
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId], total: 1, keyset: [b.instanceId] });

    await waitFor(() => (test.server.sessions.presenceColumn().trusted ? true : undefined), 3 * PRESENCE_RESYNC_MS, 'the column to be rewritten');
    test.server.store.flush();
    expect(storedColumn(test.dataDir)).toEqual({ [a.instanceId]: 0, [b.instanceId]: 1 });
    expect(await listed(test, 'true')).toEqual({ ids: [b.instanceId], total: 1, keyset: [b.instanceId] });
    expect(await listed(test, 'false')).toEqual({ ids: [a.instanceId], total: 1, keyset: [a.instanceId] });
    vi.restoreAllMocks();
  }, 60_000);

  it('is reset to 0 for every instance when the server starts (no session survives a restart)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'casim-connected-'));
    cleanup.push(() => removeDir(dataDir));
    // What a crash leaves behind: instances marked connected, and no server to close their sessions.
    const before = new Store(join(dataDir, STORE_FILE));
    before.transaction(() => {
      for (const id of ['mi-1', 'mi-2', 'mi-3']) before.instances.add(instanceRecord(id, { regionId: 'cn-hangzhou' }));
      before.presence.set('mi-1', true);
      before.presence.set('mi-3', true);
    });
    before.close();
    expect(storedColumn(dataDir)).toEqual({ 'mi-1': 1, 'mi-2': 0, 'mi-3': 1 });

    const test = await adminServer(dataDir);
    cleanup.push(() => test.close());
    expect(storedColumn(dataDir)).toEqual({ 'mi-1': 0, 'mi-2': 0, 'mi-3': 0 });
    expect(await listed(test, 'true')).toEqual({ ids: [], total: 0, keyset: [] });
    expect((await listed(test, 'false')).ids).toEqual(['mi-3', 'mi-2', 'mi-1']);
  }, 60_000);
});
