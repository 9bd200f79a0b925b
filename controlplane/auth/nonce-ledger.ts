/**
 * Where signature nonces are kept until they expire: in memory here, durably in the store
 * (store/nonce-table.ts), so that a restart does not forget them.
 */
export interface NonceLedger {
  /**
   * Records `nonce` for `accessKeyId` until `expiresAtMs` and returns true, or returns false
   * when it is recorded already with an expiry after `nowMs` (a replay). Entries expired at
   * `nowMs` are forgotten.
   */
  claim(accessKeyId: string, nonce: string, expiresAtMs: number, nowMs: number): boolean;
}

export const DEFAULT_MAX_NONCES = 100_000;

/**
 * Nonces in memory, lost on restart. Bounded: expired entries are pruned on every call, and
 * past `maxEntries` the oldest entries are dropped.
 */
export class MemoryNonceLedger implements NonceLedger {
  readonly #maxEntries: number;
  /** key → expiry (ms since epoch), in insertion order, which is roughly expiry order. */
  readonly #expiries = new Map<string, number>();

  constructor(maxEntries: number = DEFAULT_MAX_NONCES) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** Nonces currently remembered (expired ones may linger until the next call). */
  get size(): number {
    return this.#expiries.size;
  }

  claim(accessKeyId: string, nonce: string, expiresAtMs: number, nowMs: number): boolean {
    this.#prune(nowMs);
    const key = `${accessKeyId}\u0000${nonce}`;
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.#expiries.delete(key);
    while (this.#expiries.size >= this.#maxEntries) this.#dropOldest();
    this.#expiries.set(key, expiresAtMs);
    return true;
  }

  #prune(nowMs: number): void {
    for (const [key, expiry] of this.#expiries) {
      if (expiry > nowMs) break;
      this.#expiries.delete(key);
    }
  }

  #dropOldest(): void {
    const oldest = this.#expiries.keys().next();
    if (!oldest.done) this.#expiries.delete(oldest.value);
  }
}
