import { DEFAULT_MAX_NONCES, MemoryNonceLedger, type NonceLedger } from './nonce-ledger.js';

export { DEFAULT_MAX_NONCES };

/** How long a nonce is remembered, and how far a request time may be from the server's. */
export const NONCE_TTL_MS = 15 * 60 * 1000;

export interface NonceCacheOptions {
  /** How long a nonce is remembered after it is seen (default 15 min). */
  readonly ttlMs?: number;
  /** Most nonces kept in memory, when no `ledger` is given (default 100 000). */
  readonly maxEntries?: number;
  /** Where the nonces are kept (default: in memory, forgotten on restart). */
  readonly ledger?: NonceLedger;
}

/**
 * Remembers the signature nonces of accepted requests, per AccessKeyId, so that a replay within
 * the timestamp window is refused with `SignatureNonceUsed`. The server keeps them in the store
 * (store/nonce-table.ts), so a replay after a restart is refused too; without a ledger they are
 * kept in memory, bounded (see MemoryNonceLedger).
 */
export class NonceCache {
  readonly #ttlMs: number;
  readonly #ledger: NonceLedger;
  readonly #memory: MemoryNonceLedger | null;

  constructor(options: NonceCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? NONCE_TTL_MS;
    if (options.ledger !== undefined) {
      this.#ledger = options.ledger;
      this.#memory = null;
    } else {
      const memory = new MemoryNonceLedger(options.maxEntries);
      this.#ledger = memory;
      this.#memory = memory;
    }
  }

  /** Nonces currently remembered in memory (expired ones may linger until the next call); 0 with a ledger. */
  get size(): number {
    return this.#memory?.size ?? 0;
  }

  /**
   * True, and remembers the nonce, when it has not been seen for this AccessKeyId within the
   * TTL; false when it is a replay. A request whose own time is ahead of `now` stays acceptable
   * until its time + TTL, so the nonce is remembered until then as well.
   */
  checkAndRemember(accessKeyId: string, nonce: string, now: Date, requestTime: Date = now): boolean {
    const nowMs = now.getTime();
    return this.#ledger.claim(accessKeyId, nonce, Math.max(nowMs, requestTime.getTime()) + this.#ttlMs, nowMs);
  }
}
