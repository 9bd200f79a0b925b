import { signedForm } from '../support/signed-form.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_FILE } from '../../controlplane/server.js';
import { removeDir, startTestServer, type TestServer } from '../support/harness.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** One signed V1 CreateCommand, as a client would send it: a form body to replay verbatim. */
function signedCreateCommand(name: string): string {
  return signedForm('CreateCommand', { Name: name, Type: 'RunShellScript', CommandContent: Buffer.from('true').toString('base64') });
}

async function post(server: TestServer, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.server.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('signature nonces across a restart', () => {
  it('refuses a captured signed request replayed after a restart on the same data dir with SignatureNonceUsed', async () => {
    const first = await startTestServer();
    cleanup.push(() => removeDir(first.dataDir));
    const captured = signedCreateCommand('replayed');
    expect(await post(first, captured)).toMatchObject({ status: 200, body: { CommandId: expect.stringMatching(/^c-/) } });
    expect(await post(first, captured)).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
    await first.close();

    const second = await startTestServer({ dataDir: first.dataDir });
    cleanup.push(() => second.close());
    expect(await post(second, captured)).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
    const commands = await second.client.call<{ Commands: { Command: Array<{ Name: string }> } }>('DescribeCommands', { Name: 'replayed' });
    expect(commands.Commands.Command).toHaveLength(1);
    // A fresh request of the same content is still accepted.
    expect(await post(second, signedCreateCommand('fresh'))).toMatchObject({ status: 200 });
  });

  it('keeps only the nonces of the timestamp window: expired rows are deleted through the expiry index', async () => {
    const server = await startTestServer();
    cleanup.push(() => removeDir(server.dataDir), () => server.close());
    const now = Date.now();
    expect(server.server.store.nonces.claim('AK', 'old', now - 1, now - 1000)).toBe(true);
    expect(server.server.store.nonces.claim('AK', 'live', now + 60_000, now)).toBe(true);
    expect(server.server.store.nonces.claim('AK', 'live', now + 120_000, now + 1000)).toBe(false);
    // Claiming after 'old' expired removes its row; 'old' can be used again.
    expect(server.server.store.nonces.claim('AK', 'old', now + 60_000, now)).toBe(true);
    const db = new Database(join(server.dataDir, STORE_FILE), { readonly: true });
    try {
      const plan = db.prepare('EXPLAIN QUERY PLAN DELETE FROM signature_nonces WHERE expires_at <= ?').all(now) as Array<{ detail: string }>;
      expect(plan.map((row) => row.detail).join('\n')).toMatch(/USING (COVERING )?INDEX signature_nonces_expiry/);
      const rows = db.prepare('SELECT nonce FROM signature_nonces ORDER BY nonce').all() as Array<{ nonce: string }>;
      expect(rows.map((row) => row.nonce)).toEqual(['live', 'old']);
    } finally {
      db.close();
    }
  });
});
