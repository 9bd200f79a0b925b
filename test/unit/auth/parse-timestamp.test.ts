import { describe, expect, it } from 'vitest';
import { parseApiTimestamp } from '../../../controlplane/auth/parse-timestamp.js';

describe('parseApiTimestamp', () => {
  it.each([
    ['whole seconds', '2026-11-22T10:36:40Z', '2026-11-22T10:36:40.000Z'],
    ['milliseconds (aliyun-sdk, toISOString)', '2026-12-01T06:37:22.879Z', '2026-12-01T06:37:22.879Z'],
    ['zero milliseconds', '2026-11-22T10:36:40.000Z', '2026-11-22T10:36:40.000Z'],
    ['one fractional digit', '2026-11-22T10:36:40.5Z', '2026-11-22T10:36:40.500Z'],
    ['two fractional digits', '2026-11-22T10:36:40.25Z', '2026-11-22T10:36:40.250Z'],
    ['microseconds (digits past the millisecond are dropped)', '2026-11-22T10:36:40.123456Z', '2026-11-22T10:36:40.123Z'],
    ['nanoseconds', '2026-11-22T10:36:40.999999999Z', '2026-11-22T10:36:40.999Z'],
  ])('parses %s', (_label, value, iso) => {
    expect(parseApiTimestamp(value)?.toISOString()).toBe(iso);
  });

  it.each([
    ['a numeric offset', '2026-11-22T10:36:40+08:00'],
    ['a numeric offset with milliseconds', '2026-11-22T10:36:40.123+08:00'],
    ['no zone', '2026-11-22T10:36:40'],
    ['no zone with milliseconds', '2026-11-22T10:36:40.123'],
    ['a dot without digits', '2026-11-22T10:36:40.Z'],
    ['ten fractional digits', '2026-11-22T10:36:40.1234567890Z'],
    ['a comma as decimal separator', '2026-11-22T10:36:40,123Z'],
    ['a space separator', '2026-11-22 10:36:40Z'],
    ['an impossible date', '2026-02-30T00:00:00Z'],
    ['an impossible date with milliseconds', '2026-02-30T00:00:00.500Z'],
    ['an impossible hour', '2026-11-22T24:00:00Z'],
    ['epoch seconds', '1795343800'],
    ['the empty string', ''],
  ])('rejects %s', (_label, value) => {
    expect(parseApiTimestamp(value)).toBeNull();
  });
});
