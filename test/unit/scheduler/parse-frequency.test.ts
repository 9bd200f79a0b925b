import { fromDomainError } from '../../../controlplane/api/errors.js';
import { DomainError } from '../../../controlplane/domain/domain-error.js';
import { describe, expect, it } from 'vitest';
import { parseFrequency } from '../../../controlplane/scheduler/parse-frequency.js';

const NOW = new Date('2030-03-01T00:00:00Z');
const options = (timeoutSeconds = 10, now = NOW) => ({ timeoutSeconds, now });

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    // As the API answers it: the domain error through the catalog.
    return error instanceof DomainError ? fromDomainError(error) : error;
  }
  return undefined;
}

describe('parseFrequency: rate()', () => {
  it.each([
    ['minutes', 'rate(5m)', 300],
    ['the 60 s minimum', 'rate(60s)', 60],
    ['the 60 s minimum in minutes', 'rate(1m)', 60],
    ['hours', 'rate(2h)', 7200],
    ['the 7-day maximum', 'rate(7d)', 604_800],
    ['the 7-day maximum in hours', 'rate(168h)', 604_800],
    ['upper case and whitespace where the agent regex allows it', 'RATE (10 M)', 600],
    ['whitespace around the whole value', '  rate(5m)  ', 300],
  ])('accepts %s: "%s"', (_label, text, intervalSeconds) => {
    expect(parseFrequency(text, options())).toEqual({ kind: 'rate', intervalSeconds });
  });

  it('accepts an interval longer than Timeout', () => {
    expect(parseFrequency('rate(121s)', options(120))).toEqual({ kind: 'rate', intervalSeconds: 121 });
  });

  it.each([
    ['an interval under 60 s', 'rate(30s)', 10],
    ['an interval under 60 s in minutes', 'rate(0m)', 10],
    ['an interval over 7 days', 'rate(8d)', 60],
    ['an interval equal to Timeout', 'rate(2m)', 120],
    ['an interval shorter than Timeout', 'rate(5m)', 600],
    ['an unknown unit', 'rate(5x)', 60],
    ['a negative value', 'rate(-5m)', 60],
    ['a fractional value', 'rate(5.5m)', 60],
    ['a missing parenthesis', 'rate(5m', 60],
    ['whitespace inside the opening parenthesis (not in the agent regex)', 'rate( 5m)', 60],
    ['two values', 'rate(5m 10m)', 60],
  ])('rejects %s: %s', (_label, text, timeoutSeconds) => {
    expect(thrown(() => parseFrequency(text, options(timeoutSeconds)))).toMatchObject({
      status: 400,
      code: 'InvalidParam.Frequency',
      message: 'The specified frequency is invalid.',
    });
  });
});

describe('parseFrequency: at()', () => {
  it.each([
    ['an IANA zone', 'at(2030-06-06 13:15:30 Asia/Shanghai)', '2030-06-06T05:15:30.000Z'],
    ['no zone, read as UTC', 'at(2030-06-06 13:15:30)', '2030-06-06T13:15:30.000Z'],
    ['a GMT-7:00 offset', 'at(2030-06-06 13:15:30 GMT-7:00)', '2030-06-06T20:15:30.000Z'],
    ['a GMT+14:00 offset', 'at(2030-06-06 13:15:30 GMT+14:00)', '2030-06-05T23:15:30.000Z'],
    ['UTC', 'at(2030-06-06 13:15:30 UTC)', '2030-06-06T13:15:30.000Z'],
    ['GMT', 'at(2030-06-06 13:15:30 GMT)', '2030-06-06T13:15:30.000Z'],
    ['a zone in summer time', 'at(2030-07-01 09:00:00 America/Los_Angeles)', '2030-07-01T16:00:00.000Z'],
    ['a time one second after now', 'at(2030-03-01 00:00:01)', '2030-03-01T00:00:01.000Z'],
    ['a time in a spring-forward gap, moved forward by the gap', 'at(2030-03-10 02:30:00 America/Los_Angeles)', '2030-03-10T10:30:00.000Z'],
    ['a repeated fall-back time, at its first occurrence', 'at(2030-11-03 01:30:00 America/Los_Angeles)', '2030-11-03T08:30:00.000Z'],
    ['upper case and inner whitespace', 'AT( 2030-06-06 13:15:30  UTC )', '2030-06-06T13:15:30.000Z'],
  ])('reads %s', (_label, text, iso) => {
    expect(parseFrequency(text, options())).toEqual({ kind: 'at', instant: new Date(iso) });
  });

  it.each([
    ['an expired time (exactly now)', 'at(2030-03-01 00:00:00)'],
    ['an expired time (in the past)', 'at(2022-06-06 13:15:30 Asia/Shanghai)'],
    ['a time expired once the zone is applied', 'at(2030-03-01 07:00:00 Asia/Shanghai)'],
    ['an impossible date', 'at(2030-02-30 10:00:00)'],
    ['an impossible hour', 'at(2030-06-06 24:00:00)'],
    ['missing seconds', 'at(2030-06-06 13:15)'],
    ['an ISO T separator', 'at(2030-06-06T13:15:30)'],
    ['an unknown IANA zone', 'at(2030-06-06 13:15:30 Mars/Olympus)'],
    ['a GMT offset with a leading zero', 'at(2030-06-06 13:15:30 GMT+08:00)'],
    ['a GMT offset beyond 14 hours', 'at(2030-06-06 13:15:30 GMT+15:00)'],
    ['an abbreviation other than UTC/GMT', 'at(2030-06-06 13:15:30 CST)'],
  ])('rejects %s', (_label, text) => {
    expect(thrown(() => parseFrequency(text, options()))).toMatchObject({ code: 'InvalidParam.Frequency' });
  });
});

describe('parseFrequency: cron', () => {
  it.each([
    ['year and IANA zone', '0 15 10 ? * * 2030 Asia/Shanghai', '0 15 10 ? * * 2030', 'Asia/Shanghai'],
    ['year and GMT offset', '0 0/30 10-11 * * ? 2030 GMT+8:00', '0 0/30 10-11 * * ? 2030', 'GMT+8:00'],
    ['a year step and UTC', '0 0/5 14 * 10 ? 2030/2 UTC', '0 0/5 14 * 10 ? 2030/2', 'UTC'],
    ['six fields (instance zone)', '0 */20 * * * *', '0 */20 * * * *', null],
    ['a 7th field that is a year', '0 0 8 * * ? 2030-2031', '0 0 8 * * ? 2030-2031', null],
    ['a 7th field that is a wildcard year', '0 0 8 * * ? *', '0 0 8 * * ? *', null],
    ['a 7th field that is a zone', '0 0 8 * * * America/Los_Angeles', '0 0 8 * * *', 'America/Los_Angeles'],
    ['names, one leading zero and extra whitespace', '  00  05 08 ? jan-DEC MON-fri  GMT ', '00 05 08 ? jan-DEC MON-fri', 'GMT'],
    ['L, W and #', '0 0 12 L,15W * ?', '0 0 12 L,15W * ?', null],
    ['nL and # in day-of-week', '0 0 12 ? * 5L,6#3', '0 0 12 ? * 5L,6#3', null],
  ])('accepts %s', (_label, text, expression, zone) => {
    expect(parseFrequency(text, options())).toEqual({ kind: 'cron', expression, zone });
  });

  it.each([
    ['five fields', '0 15 10 * *'],
    ['nine fields', '0 15 10 * * ? 2030 UTC extra'],
    ['a predefined @daily', '@daily'],
    ['an empty expression', ''],
    ['two leading zeros (008)', '008 * * * * *'],
    ['second 61', '61 * * * * *'],
    ['minute 60', '0 60 * * * *'],
    ['hour 24', '0 0 24 * * *'],
    ['day-of-month 32', '0 0 0 32 * *'],
    ['day-of-month 0', '0 0 0 0 * *'],
    ['month 13', '0 0 0 * 13 *'],
    ['an unknown month name', '0 0 0 * FOO *'],
    ['day-of-week 8', '0 0 0 ? * 8'],
    ['a reversed range', '0 30-10 * * * *'],
    ['a zero step', '0 0 0 */0 * *'],
    ['a step beyond the field (hours */24)', '0 0 */24 * * *'],
    ['an empty list item', '0 0 0 1,,2 * *'],
    ['? outside the day fields', '0 0 ? * * *'],
    ['? with a step', '0 0 0 ?/2 * *'],
    ['L in day-of-week alone', '0 0 0 ? * L'],
    ['nL in day-of-month', '0 0 0 5L * ?'],
    ['W in day-of-week', '0 0 0 ? * 5W'],
    ['# in day-of-month', '0 0 0 1#2 * ?'],
    ['#6', '0 0 0 ? * 6#6'],
    ['W on a range', '0 0 0 1-5W * ?'],
    ['an unknown IANA zone', '0 0 0 * * * 2030 Mars/Olympus'],
    ['a GMT offset with a leading zero (GMT+08:00)', '0 0 0 * * * 2030 GMT+08:00'],
    ['a GMT offset in minutes only', '0 0 0 * * * 2030 GMT+8'],
    ['a lower-case utc', '0 0 0 * * * utc'],
    ['an abbreviation other than UTC/GMT', '0 0 0 * * * CST'],
    ['a past year', '0 0 0 * * * 2020'],
    ['a year before 1970', '0 0 0 * * * 1969'],
    ['a year after 2099', '0 0 0 * * * 2100'],
    ['a date that never exists (30 February)', '0 0 0 30 2 ?'],
    ['runs 1 s apart', '* * * * * *'],
    ['runs 5 s apart', '*/5 * * * * *'],
    ['runs 5 s apart once a day', '0,5 0 0 * * *'],
  ])('rejects %s: "%s"', (_label, text) => {
    expect(thrown(() => parseFrequency(text, options(10)))).toMatchObject({ code: 'InvalidParam.Frequency' });
  });

  it('rejects an expression whose last run has passed', () => {
    const now = new Date('2031-01-01T00:00:00Z');
    expect(thrown(() => parseFrequency('0 15 10 ? * * 2030 Asia/Shanghai', options(60, now)))).toMatchObject({
      code: 'InvalidParam.Frequency',
    });
  });

  it.each([
    ['runs 10 s apart with Timeout 10', '*/10 * * * * *', 10, true],
    ['runs 60 s apart with Timeout 60', '0 * * * * *', 60, true],
    ['runs 60 s apart with Timeout 120', '0 * * * * *', 120, false],
    ['runs 20 min apart with Timeout 1200', '0 */20 * * * *', 1200, true],
    ['runs 20 min apart with Timeout 1201', '0 */20 * * * *', 1201, false],
  ])('requires runs at least Timeout apart: %s', (_label, text, timeoutSeconds, accepted) => {
    const error = thrown(() => parseFrequency(text, options(timeoutSeconds)));
    if (accepted) expect(error).toBeUndefined();
    else expect(error).toMatchObject({ code: 'InvalidParam.Frequency' });
  });
});
