/**
 * Request ids seen within the signature's time window: a signed request replayed with the same
 * `x-acs-request-id` is refused. Memory is bounded: ids older than the window are forgotten (a
 * replay of those fails the timestamp check anyway), and at most `limit` are kept.
 */
export class ReplayWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly limit = 100_000,
  ) {}

  /** True the first time `key` is seen within the window; false for a replay. */
  admit(key: string, nowMs: number): boolean {
    this.expire(nowMs);
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.limit) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(key, nowMs);
    return true;
  }

  private expire(nowMs: number): void {
    for (const [key, at] of this.seen) {
      if (nowMs - at <= 2 * this.windowMs) break; // insertion order: the rest are newer
      this.seen.delete(key);
    }
  }
}
