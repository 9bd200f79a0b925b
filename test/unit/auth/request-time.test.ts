import { describe, expect, it } from 'vitest';
import { checkRequestTime } from '../../../controlplane/auth/request-time.js';

const NOW = new Date('2026-12-01T06:37:22.879Z');

describe('checkRequestTime: the ±15 minute window, also with fractional seconds', () => {
  it.each([
    ['the same instant, with milliseconds', '2026-12-01T06:37:22.879Z', 'ok'],
    ['whole seconds, just before now', '2026-12-01T06:37:22Z', 'ok'],
    ['exactly 15 min behind', '2026-12-01T06:22:22.879Z', 'ok'],
    ['exactly 15 min ahead', '2026-12-01T06:52:22.879Z', 'ok'],
    ['15 min and 1 ms behind', '2026-12-01T06:22:22.878Z', 'InvalidTimeStamp.Expired'],
    ['15 min and 1 ms ahead', '2026-12-01T06:52:22.880Z', 'InvalidTimeStamp.Expired'],
    ['16 min behind, with milliseconds', '2026-12-01T06:21:22.879Z', 'InvalidTimeStamp.Expired'],
    ['an offset instead of Z', '2026-12-01T14:37:22.879+08:00', 'InvalidTimeStamp.Format'],
    ['a space separator', '2026-12-01 06:37:22.879Z', 'InvalidTimeStamp.Format'],
  ])('%s → %s', (_label, value, expected) => {
    const result = checkRequestTime(value, NOW);
    expect(result.ok ? 'ok' : result.error).toBe(expected);
  });
});
