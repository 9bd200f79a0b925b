import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NonceCache } from '../../controlplane/auth/nonce-cache.js';
import { NonceTable } from '../../controlplane/store/nonce-table.js';

const t0 = new Date('2026-11-22T10:36:40Z');
const later = (ms: number): Date => new Date(t0.getTime() + ms);
const MINUTE = 60_000;

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
});
afterEach(() => db.close());

const count = (): number => (db.prepare('SELECT count(*) AS n FROM signature_nonces').get() as { n: number }).n;

describe('NonceCache on the store table', () => {
  it('refuses a replay within 15 minutes, per AccessKeyId, and accepts it again after', () => {
    const cache = new NonceCache({ ledger: new NonceTable(db) });
    expect(cache.checkAndRemember('AK', 'n', t0)).toBe(true);
    expect(cache.checkAndRemember('AK2', 'n', t0)).toBe(true);
    expect(cache.checkAndRemember('AK', 'n', later(15 * MINUTE - 1))).toBe(false);
    expect(cache.checkAndRemember('AK', 'n', later(15 * MINUTE))).toBe(true);
  });

  it('remembers the nonce of a request dated ahead of now until that time + 15 minutes', () => {
    const cache = new NonceCache({ ledger: new NonceTable(db) });
    cache.checkAndRemember('AK', 'n', t0, later(10 * MINUTE));
    expect(cache.checkAndRemember('AK', 'n', later(20 * MINUTE))).toBe(false);
    expect(cache.checkAndRemember('AK', 'n', later(25 * MINUTE + 1))).toBe(true);
  });

  it('deletes expired rows on the next claim, so the table holds the window only', () => {
    const table = new NonceTable(db);
    const cache = new NonceCache({ ledger: table });
    for (let i = 0; i < 50; i += 1) cache.checkAndRemember('AK', `n${i}`, t0);
    expect(count()).toBe(50);
    cache.checkAndRemember('AK', 'fresh', later(16 * MINUTE));
    expect(count()).toBe(1);
  });

  it('keeps its rows in the database: a second table on the same database sees them', () => {
    new NonceCache({ ledger: new NonceTable(db) }).checkAndRemember('AK', 'n', t0);
    expect(new NonceCache({ ledger: new NonceTable(db) }).checkAndRemember('AK', 'n', later(1000))).toBe(false);
  });
});
