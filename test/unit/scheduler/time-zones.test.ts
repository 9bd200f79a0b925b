import { describe, expect, it } from 'vitest';
import {
  earliestInstantOf,
  instanceZone,
  instantOfWallClock,
  parseZoneToken,
  wallClockOf,
} from '../../../controlplane/scheduler/time-zones.js';

const wall = (iso: string): number => Date.parse(`${iso}Z`);

describe('parseZoneToken', () => {
  it.each([
    ['Asia/Shanghai', '2030-01-01T00:00:00', 480],
    ['America/Los_Angeles', '2030-07-01T00:00:00', -420],
    ['America/Los_Angeles', '2030-01-01T00:00:00', -480],
    ['GMT+8:00', '2030-01-01T00:00:00', 480],
    ['GMT-7:00', '2030-01-01T00:00:00', -420],
    ['GMT+5:45', '2030-01-01T00:00:00', 345],
    ['GMT+14:00', '2030-01-01T00:00:00', 840],
    ['UTC', '2030-01-01T00:00:00', 0],
    ['GMT', '2030-01-01T00:00:00', 0],
  ])('reads %s (offset at %s: %i min)', (token, at, offset) => {
    expect(parseZoneToken(token)?.offset(wall(at))).toBe(offset);
  });

  it.each([
    ['an unknown IANA name', 'Mars/Olympus'],
    ['an IANA name without a slash', 'Japan'],
    ['a leading zero in the hour', 'GMT+08:00'],
    ['an hour beyond 14', 'GMT+15:00'],
    ['minutes beyond 59', 'GMT+8:60'],
    ['no minutes', 'GMT+8'],
    ['UTC with an offset', 'UTC+8:00'],
    ['lower-case utc', 'utc'],
    ['another abbreviation', 'CST'],
  ])('rejects %s: %s', (_label, token) => {
    expect(parseZoneToken(token)).toBeNull();
  });
});

describe('instanceZone', () => {
  it('accepts any IANA name, with or without a slash', () => {
    expect(instanceZone('Japan').offset(0)).toBe(540);
    expect(instanceZone('Etc/UTC').offset(0)).toBe(0);
  });

  it('throws RangeError for an unknown name', () => {
    expect(() => instanceZone('Nowhere')).toThrow(RangeError);
  });
});

describe('wall-clock conversions in America/Los_Angeles', () => {
  const zone = instanceZone('America/Los_Angeles');

  it.each([
    ['an ordinary time', '2030-07-01T12:00:00', '2030-07-01T19:00:00.000Z'],
    ['the first of a repeated time (fall-back)', '2030-11-03T01:30:00', '2030-11-03T08:30:00.000Z'],
    ['the end of a spring-forward gap', '2030-03-10T03:00:00', '2030-03-10T10:00:00.000Z'],
  ])('maps %s to its earliest instant', (_label, local, expected) => {
    expect(new Date(earliestInstantOf(wall(local), zone) ?? Number.NaN).toISOString()).toBe(expected);
  });

  it('has no instant for a time in the spring-forward gap', () => {
    expect(earliestInstantOf(wall('2030-03-10T02:30:00'), zone)).toBeNull();
  });

  it('moves a time in the gap forward by the gap for at()', () => {
    expect(new Date(instantOfWallClock(wall('2030-03-10T02:30:00'), zone)).toISOString()).toBe('2030-03-10T10:30:00.000Z');
  });

  it('shows both occurrences of a repeated time as the same wall clock', () => {
    expect(wallClockOf(Date.parse('2030-11-03T08:30:00Z'), zone)).toBe(wall('2030-11-03T01:30:00'));
    expect(wallClockOf(Date.parse('2030-11-03T09:30:00Z'), zone)).toBe(wall('2030-11-03T01:30:00'));
  });
});
