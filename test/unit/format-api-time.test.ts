import { describe, expect, it } from 'vitest';
import { formatApiTime } from '../../shared/clock.js';

describe('formatApiTime (UTC, whole seconds, the last second remembered)', () => {
  const cases: Array<[string, string]> = [
    ['2026-12-01T14:30:05.000Z', '2026-12-01T14:30:05Z'],
    ['2026-12-01T14:30:05.999Z', '2026-12-01T14:30:05Z'],
    ['2026-12-01T14:30:06.001Z', '2026-12-01T14:30:06Z'],
    ['2026-12-01T14:30:05.500Z', '2026-12-01T14:30:05Z'],
    ['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00Z'],
    ['1969-12-31T23:59:59.500Z', '1969-12-31T23:59:59Z'],
    ['2026-02-28T23:59:59.999Z', '2026-02-28T23:59:59Z'],
    ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00Z'],
  ];
  it.each(cases)('%s → %s', (iso, expected) => {
    expect(formatApiTime(new Date(iso))).toBe(expected);
  });

  it('gives the same answer for a second asked twice in a row and for the next one after it', () => {
    const a = new Date('2030-05-06T07:08:09.100Z');
    expect(formatApiTime(a)).toBe('2030-05-06T07:08:09Z');
    expect(formatApiTime(new Date('2030-05-06T07:08:09.900Z'))).toBe('2030-05-06T07:08:09Z');
    expect(formatApiTime(new Date('2030-05-06T07:08:10.000Z'))).toBe('2030-05-06T07:08:10Z');
    expect(formatApiTime(a)).toBe('2030-05-06T07:08:09Z');
  });

  it('throws for an invalid date, as toISOString does', () => {
    expect(() => formatApiTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
