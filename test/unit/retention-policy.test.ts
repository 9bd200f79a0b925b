import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION_DAYS, retentionCutoff, retentionDaysFrom } from '../../controlplane/store/retention-policy.js';

describe('retention policy (CASIM_RETENTION_DAYS)', () => {
  it.each([
    [undefined, DEFAULT_RETENTION_DAYS],
    ['', DEFAULT_RETENTION_DAYS],
    ['7', 7],
    ['0.5', 0.5],
    ['0', 0],
  ])('reads %j as %d days', (value, days) => {
    expect(retentionDaysFrom(value)).toBe(days);
  });

  it.each(['-1', 'forever', 'NaN', 'Infinity'])('refuses %j', (value) => {
    expect(() => retentionDaysFrom(value)).toThrowError(RangeError);
  });

  it('cuts off `days` before now, as an API time; 0 keeps everything', () => {
    const now = new Date('2026-12-01T10:00:00.500Z');
    expect(retentionCutoff(now, 28)).toBe('2026-11-03T10:00:00Z');
    expect(retentionCutoff(now, 0.5)).toBe('2026-11-30T22:00:00Z');
    expect(retentionCutoff(now, 0)).toBeUndefined();
  });
});
