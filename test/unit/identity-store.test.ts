import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadIdentity, saveIdentity } from '../../agent/identity-store.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('agent identity file', () => {
  it('saves and loads the identity, private to the agent (0600), replacing the file whole', () => {
    const stateDir = join(dir, 'state');
    saveIdentity(stateDir, { instanceId: 'mi-1', secret: 's-1' });
    expect(loadIdentity(stateDir)).toEqual({ instanceId: 'mi-1', secret: 's-1' });
    expect(statSync(join(stateDir, 'identity.json')).mode & 0o777).toBe(0o600);
    saveIdentity(stateDir, { instanceId: 'mi-2', secret: 's-2' });
    expect(loadIdentity(stateDir)).toEqual({ instanceId: 'mi-2', secret: 's-2' });
    // Written beside and renamed over: nothing else is left in the state dir.
    expect(readdirSync(stateDir)).toEqual(['identity.json']);
  });

  it('reads an empty or partial file as no identity', () => {
    const stateDir = join(dir, 'partial');
    saveIdentity(stateDir, { instanceId: 'mi-3', secret: 's-3' });
    writeFileSync(join(stateDir, 'identity.json'), '{"instanceId": "mi-3", "sec');
    expect(loadIdentity(stateDir)).toBeUndefined();
    expect(existsSync(join(stateDir, 'identity.json'))).toBe(true);
  });
});
