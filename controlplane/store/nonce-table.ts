import type Database from 'better-sqlite3';
import type { NonceLedger } from '../auth/nonce-ledger.js';

/**
 * The signature nonces of accepted requests, in the store's SQLite file, so that a request
 * captured before a restart is still refused as a replay after it (`SignatureNonceUsed`).
 * One row per (AccessKeyId, nonce) with its expiry; every claim first deletes the expired rows
 * through the expiry index, so the table holds at most the nonces of the timestamp window.
 */
export class NonceTable implements NonceLedger {
  private readonly claimInTransaction: (accessKeyId: string, nonce: string, expiresAtMs: number, nowMs: number) => boolean;

  constructor(db: Database.Database) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS signature_nonces (' +
        'access_key_id TEXT NOT NULL, nonce TEXT NOT NULL, expires_at INTEGER NOT NULL, ' +
        'PRIMARY KEY (access_key_id, nonce)) WITHOUT ROWID',
    );
    db.exec('CREATE INDEX IF NOT EXISTS signature_nonces_expiry ON signature_nonces (expires_at)');
    const prune = db.prepare('DELETE FROM signature_nonces WHERE expires_at <= ?');
    const insert = db.prepare('INSERT OR IGNORE INTO signature_nonces (access_key_id, nonce, expires_at) VALUES (?, ?, ?)');
    this.claimInTransaction = db.transaction((accessKeyId: string, nonce: string, expiresAtMs: number, nowMs: number): boolean => {
      prune.run(nowMs);
      // After the prune a row still there is unexpired: the insert is ignored, a replay.
      return insert.run(accessKeyId, nonce, expiresAtMs).changes === 1;
    });
  }

  claim(accessKeyId: string, nonce: string, expiresAtMs: number, nowMs: number): boolean {
    return this.claimInTransaction(accessKeyId, nonce, expiresAtMs, nowMs);
  }
}
