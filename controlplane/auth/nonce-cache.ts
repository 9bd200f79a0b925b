/** How long a nonce is remembered, and how far a request time may be from the server's. */
export const NONCE_TTL_MS = 15 * 60 * 1000;
export const DEFAULT_MAX_NONCES = 100_000;

export interface NonceCacheOptions {
  /** How long a nonce is remembered after it is seen (default 15 min). */
  readonly ttlMs?: number;
  /** Most nonces kept; the oldest are forgotten first when it is reached (default 100 000). */
  readonly maxEntries?: number;
}

/**
 * Remembers the signature nonces of accepted requests, per AccessKeyId, so that a replay within
 * the timestamp window is refused with `SignatureNonceUsed`. Memory is bounded: expired entries
 * are pruned on every call, and past `maxEntries` the oldest entries are dropped.
 */
export class NonceCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  /** key → expiry (ms since epoch), in insertion order, which is roughly expiry order. */
  readonly #expiries = new Map<string, number>();

  constructor(options: NonceCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? NONCE_TTL_MS;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_NONCES);
  }

  /** Nonces currently remembered (expired ones may linger until the next call). */
  get size(): number {
    return this.#expiries.size;
  }

  /**
   * True, and remembers the nonce, when it has not been seen for this AccessKeyId within the
   * TTL; false when it is a replay. A request whose own time is ahead of `now` stays acceptable
   * until its time + TTL, so the nonce is remembered until then as well.
   */
  checkAndRemember(accessKeyId: string, nonce: string, now: Date, requestTime: Date = now): boolean {
    const nowMs = now.getTime();
    this.#prune(nowMs);
    const key = `${accessKeyId}\u0000${nonce}`;
    const expiry = this.#expiries.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.#expiries.delete(key);
    while (this.#expiries.size >= this.#maxEntries) this.#dropOldest();
    this.#expiries.set(key, Math.max(nowMs, requestTime.getTime()) + this.#ttlMs);
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
