/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. `take()` spends one
 * when there is one. Time comes from `nowMs` (monotonic by default), so tests drive it. Pure
 * apart from that clock.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number = Math.max(1, ratePerSecond),
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('a token bucket needs a positive rate and a burst of at least 1');
    this.tokens = burst;
    this.lastMs = nowMs();
  }

  take(): boolean {
    const now = this.nowMs();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastMs) / 1000) * this.ratePerSecond);
    this.lastMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * CASIM_API_RATE: API calls a second the server answers before it returns Throttling (a burst of
 * one second's worth is allowed). Unset, empty or 0: no limit (the default). Pure.
 */
export function apiRateFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '' || value.trim() === '0') return undefined;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) throw new RangeError(`CASIM_API_RATE must be a number of calls a second > 0 (or 0 for no limit), not "${value}"`);
  return rate;
}
