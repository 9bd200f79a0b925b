import { describe, expect, it } from 'vitest';
import { advanceMs, LATEST_SIMULATED_TIME_MS, MAX_ADVANCE_SECONDS } from '../../controlplane/admin/advance-range.js';

const now = Date.UTC(2026, 11, 1);

describe('advanceMs', () => {
  it('accepts 0 to 10 years of seconds, fractions included', () => {
    expect(advanceMs('0', now)).toBe(0);
    expect(advanceMs(' 1.5 ', now)).toBe(1500);
    expect(advanceMs(String(MAX_ADVANCE_SECONDS), now)).toBe(MAX_ADVANCE_SECONDS * 1000);
  });

  it('refuses a missing, negative, non-numeric, infinite or too large amount', () => {
    for (const raw of ['', ' ', '-1', 'soon', 'Infinity', '1e400', 'NaN', String(MAX_ADVANCE_SECONDS + 1), '8640000000000']) {
      expect(advanceMs(raw, now)).toBeNull();
    }
  });

  it('refuses an amount that would take simulated time past the year 9998, a year before the last four-digit one', () => {
    expect(new Date(LATEST_SIMULATED_TIME_MS).toISOString()).toBe('9998-12-31T23:59:59.000Z');
    expect(advanceMs('1', LATEST_SIMULATED_TIME_MS - 1000)).toBe(1000);
    expect(advanceMs('1', LATEST_SIMULATED_TIME_MS - 999)).toBeNull();
  });
});
