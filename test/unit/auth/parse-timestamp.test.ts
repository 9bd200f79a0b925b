import { describe, expect, it } from 'vitest';
import { parseApiTimestamp } from '../../../controlplane/auth/parse-timestamp.js';

describe('parseApiTimestamp', () => {
  it('parses UTC yyyy-MM-ddTHH:mm:ssZ', () => {
    expect(parseApiTimestamp('2026-11-22T10:36:40Z')?.toISOString()).toBe('2026-11-22T10:36:40.000Z');
  });

  it.each([
    ['fractional seconds', '2026-11-22T10:36:40.000Z'],
    ['a numeric offset', '2026-11-22T10:36:40+08:00'],
    ['no zone', '2026-11-22T10:36:40'],
    ['a space separator', '2026-11-22 10:36:40Z'],
    ['an impossible date', '2026-02-30T00:00:00Z'],
    ['an impossible hour', '2026-11-22T24:00:00Z'],
    ['epoch seconds', '1795343800'],
    ['the empty string', ''],
  ])('rejects %s', (_label, value) => {
    expect(parseApiTimestamp(value)).toBeNull();
  });
});
