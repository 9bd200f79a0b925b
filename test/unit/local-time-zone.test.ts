import { describe, expect, it } from 'vitest';
import { localTimeZone, type TimeZoneSources } from '../../agent/local-time-zone.js';

const ZONES = new Set(['UTC', 'Etc/UTC', 'Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'Europe/Paris']);

function sources(over: Partial<TimeZoneSources>): TimeZoneSources {
  return {
    tz: undefined,
    localtimeLink: () => undefined,
    timezoneFile: () => undefined,
    isZone: (name) => ZONES.has(name),
    intl: () => 'From/Intl',
    ...over,
  };
}

describe('localTimeZone', () => {
  it.each<[string, Partial<TimeZoneSources>, string]>([
    ['TZ names a zone', { tz: 'Asia/Shanghai', localtimeLink: () => '/usr/share/zoneinfo/Europe/Paris' }, 'Asia/Shanghai'],
    ['TZ with the leading colon', { tz: ':Europe/Paris' }, 'Europe/Paris'],
    ['TZ that is a POSIX rule, not a zone file: ask Intl', { tz: 'CST-8' }, 'From/Intl'],
    ['TZ that climbs out of zoneinfo: ask Intl', { tz: '../../etc/passwd' }, 'From/Intl'],
    ['the /etc/localtime link', { localtimeLink: () => '/usr/share/zoneinfo/America/Argentina/Buenos_Aires' }, 'America/Argentina/Buenos_Aires'],
    ['a relative /etc/localtime link', { localtimeLink: () => '../usr/share/zoneinfo/Asia/Shanghai' }, 'Asia/Shanghai'],
    ['Etc/UTC is reported as UTC, as Intl does', { localtimeLink: () => '/usr/share/zoneinfo/Etc/UTC' }, 'UTC'],
    ['/etc/timezone when /etc/localtime is no link', { timezoneFile: () => 'Europe/Paris\n' }, 'Europe/Paris'],
    ['a link to a zone that is not installed, then /etc/timezone', { localtimeLink: () => '/usr/share/zoneinfo/Mars/Olympus', timezoneFile: () => 'Asia/Shanghai' }, 'Asia/Shanghai'],
    ['nothing names a zone: Intl', {}, 'From/Intl'],
    ['nothing at all: UTC', { intl: () => '' }, 'UTC'],
  ])('%s', (_name, over, expected) => {
    expect(localTimeZone(sources(over))).toBe(expected);
  });

  it('agrees with Intl on this machine', () => {
    expect(localTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
