import { describe, expect, it } from 'vitest';
import { nextRun } from '../../../controlplane/scheduler/next-run.js';
import { parseFrequency } from '../../../controlplane/scheduler/parse-frequency.js';
import type { Schedule } from '../../../controlplane/scheduler/schedule.js';

const CREATED = new Date('2029-06-01T00:00:00Z');

/** A schedule as the control plane gets it: parsed at task creation. */
function schedule(frequency: string): Schedule {
  return parseFrequency(frequency, { timeoutSeconds: 10, now: CREATED });
}

/** The next `count` runs strictly after `after`, as ISO strings. */
function runs(frequency: string, after: string, count: number, instanceZone = 'UTC'): string[] {
  const parsed = schedule(frequency);
  const result: string[] = [];
  let cursor: Date | null = new Date(after);
  while (result.length < count && (cursor = nextRun(parsed, cursor, CREATED, instanceZone))) {
    result.push(cursor.toISOString());
  }
  return result;
}

describe('nextRun: rate() is start-to-start, anchored at the task creation', () => {
  const anchor = new Date('2030-01-01T00:00:00Z');
  it.each([
    ['the first run is one interval after creation', 300, '2030-01-01T00:00:00.000Z', '2030-01-01T00:05:00.000Z'],
    ['a moment before a run gives that run', 300, '2030-01-01T00:04:59.999Z', '2030-01-01T00:05:00.000Z'],
    ['a run instant gives the following run', 300, '2030-01-01T00:05:00.000Z', '2030-01-01T00:10:00.000Z'],
    ['a late check stays on the grid, not on the check time', 300, '2030-01-01T00:12:34.000Z', '2030-01-01T00:15:00.000Z'],
    ['before creation, the first run is still one interval after it', 300, '2029-12-31T23:00:00.000Z', '2030-01-01T00:05:00.000Z'],
    ['a daily rate keeps the creation time of day', 86_400, '2030-01-03T09:00:00.000Z', '2030-01-04T00:00:00.000Z'],
  ])('%s', (_label, intervalSeconds, after, expected) => {
    const rate: Schedule = { kind: 'rate', intervalSeconds };
    expect(nextRun(rate, new Date(after), anchor, 'UTC')?.toISOString()).toBe(expected);
  });
});

describe('nextRun: at() runs once', () => {
  const once = schedule('at(2030-06-06 13:15:30 GMT-7:00)');
  it.each([
    ['runs at the instant when asked before it', '2030-06-06T20:15:29.000Z', '2030-06-06T20:15:30.000Z'],
    ['has no further run at the instant', '2030-06-06T20:15:30.000Z', null],
    ['has no further run after the instant', '2030-06-07T00:00:00.000Z', null],
  ])('%s', (_label, after, expected) => {
    expect(nextRun(once, new Date(after), CREATED, 'Asia/Shanghai')?.toISOString() ?? null).toBe(expected);
  });
});

describe('nextRun: cron time zones', () => {
  it.each([
    [
      'daily 10:15 in Asia/Shanghai is 02:15 UTC',
      '0 15 10 ? * * 2030 Asia/Shanghai', '2030-03-01T00:00:00Z', 'UTC',
      ['2030-03-01T02:15:00.000Z', '2030-03-02T02:15:00.000Z', '2030-03-03T02:15:00.000Z'],
    ],
    [
      'the zone in the expression wins over the instance zone',
      '0 15 10 ? * * 2030 Asia/Shanghai', '2030-03-01T00:00:00Z', 'America/New_York',
      ['2030-03-01T02:15:00.000Z', '2030-03-02T02:15:00.000Z'],
    ],
    [
      'every 30 min from 10:00 to 11:30 at GMT+8:00',
      '0 0/30 10-11 * * ? 2030 GMT+8:00', '2030-05-05T02:10:00Z', 'UTC',
      ['2030-05-05T02:30:00.000Z', '2030-05-05T03:00:00.000Z', '2030-05-05T03:30:00.000Z', '2030-05-06T02:00:00.000Z'],
    ],
    [
      'every 20 min in UTC',
      '0 */20 * * * *', '2030-01-01T00:05:00Z', 'UTC',
      ['2030-01-01T00:20:00.000Z', '2030-01-01T00:40:00.000Z', '2030-01-01T01:00:00.000Z'],
    ],
    [
      'every 20 min in the instance zone America/New_York',
      '0 */20 * * * *', '2030-01-01T00:05:00Z', 'America/New_York',
      ['2030-01-01T00:20:00.000Z', '2030-01-01T00:40:00.000Z', '2030-01-01T01:00:00.000Z'],
    ],
    [
      'every 20 min in the half-hour instance zone Asia/Kolkata',
      '0 */20 * * * *', '2030-01-01T00:05:00Z', 'Asia/Kolkata',
      ['2030-01-01T00:10:00.000Z', '2030-01-01T00:30:00.000Z', '2030-01-01T00:50:00.000Z'],
    ],
    [
      'daily 09:00 in the instance zone America/New_York, winter then summer',
      '0 0 9 * * *', '2030-03-09T00:00:00Z', 'America/New_York',
      ['2030-03-09T14:00:00.000Z', '2030-03-10T13:00:00.000Z'],
    ],
    [
      'October every 5 min at 14:xx in even years from 2030, in UTC',
      '0 0/5 14 * 10 ? 2030/2 UTC', '2030-10-31T14:55:00Z', 'Asia/Shanghai',
      ['2032-10-01T14:00:00.000Z', '2032-10-01T14:05:00.000Z'],
    ],
  ])('%s', (_label, frequency, after, instanceZone, expected) => {
    expect(runs(frequency, after, expected.length, instanceZone)).toEqual(expected);
  });

  it('has no further run once the year list is exhausted', () => {
    expect(runs('0 15 10 ? * * 2030 Asia/Shanghai', '2030-12-31T02:15:00Z', 1)).toEqual([]);
  });

  it('finds a run decades ahead quickly', () => {
    expect(runs('0 0 0 29 2 ? 2096', '2030-01-01T00:00:00Z', 2)).toEqual(['2096-02-29T00:00:00.000Z']);
  });
});

describe('nextRun: cron across daylight-saving changes (America/Los_Angeles, 2030)', () => {
  it.each([
    [
      'a daily 02:30 is skipped on the spring-forward day (10 March)',
      '0 30 2 * * *', '2030-03-09T00:00:00Z',
      ['2030-03-09T10:30:00.000Z', '2030-03-11T09:30:00.000Z'],
    ],
    [
      'hourly runs jump from 01:00 PST to 03:00 PDT',
      '0 0 * * * *', '2030-03-10T08:30:00Z',
      ['2030-03-10T09:00:00.000Z', '2030-03-10T10:00:00.000Z', '2030-03-10T11:00:00.000Z'],
    ],
    [
      'a daily 01:30 runs once on the fall-back day (3 November), at its first occurrence',
      '0 30 1 * * *', '2030-11-02T00:00:00Z',
      ['2030-11-02T08:30:00.000Z', '2030-11-03T08:30:00.000Z', '2030-11-04T09:30:00.000Z'],
    ],
    [
      'every 20 min does not repeat the fall-back hour',
      '0 */20 * * * *', '2030-11-03T08:30:00Z',
      ['2030-11-03T08:40:00.000Z', '2030-11-03T10:00:00.000Z', '2030-11-03T10:20:00.000Z'],
    ],
  ])('%s', (_label, frequency, after, expected) => {
    expect(runs(frequency, after, expected.length, 'America/Los_Angeles')).toEqual(expected);
  });

  it('asked during the repeated hour, waits for the next new wall-clock time', () => {
    // 09:10Z is 01:10 PST, the second 01:10 of the day.
    expect(runs('0 */20 * * * *', '2030-11-03T09:10:00Z', 2, 'America/Los_Angeles')).toEqual([
      '2030-11-03T10:00:00.000Z',
      '2030-11-03T10:20:00.000Z',
    ]);
  });
});

describe('nextRun: cron calendar rules (UTC)', () => {
  it.each([
    ['L is the last day of each month', '0 0 12 L * ?', '2030-01-31T12:00:00Z', ['2030-02-28', '2030-03-31', '2030-04-30']],
    ['L is 29 February in the leap year 2032', '0 0 12 L 2 ?', '2031-03-01T00:00:00Z', ['2032-02-29', '2033-02-28']],
    ['15W on a Saturday (June 2030) is Friday the 14th', '0 0 12 15W * ?', '2030-06-01T00:00:00Z', ['2030-06-14', '2030-07-15']],
    ['15W on a Sunday (September 2030) is Monday the 16th', '0 0 12 15W 9 ?', '2030-01-01T00:00:00Z', ['2030-09-16']],
    ['1W on a Saturday (June 2030) is Monday the 3rd', '0 0 12 1W 6 ?', '2030-01-01T00:00:00Z', ['2030-06-03']],
    ['1W on a Sunday (September 2030) is Monday the 2nd', '0 0 12 1W 9 ?', '2030-01-01T00:00:00Z', ['2030-09-02']],
    ['30W on the last day, a Sunday (June 2030), is Friday the 28th', '0 0 12 30W 6 ?', '2030-01-01T00:00:00Z', ['2030-06-28']],
    ['31W is skipped in 30-day months', '0 0 12 31W * ?', '2030-04-01T00:00:00Z', ['2030-05-31', '2030-07-31']],
    ['LW is the last weekday: Fri 28 June, Fri 30 Aug, Tue 31 Dec', '0 0 12 LW 6,8,12 ?', '2030-01-01T00:00:00Z', ['2030-06-28', '2030-08-30', '2030-12-31']],
    ['6#3 is the third Saturday (1 = Monday)', '0 0 12 ? * 6#3', '2030-06-01T00:00:00Z', ['2030-06-15', '2030-07-20']],
    ['SAT#3 equals 6#3', '0 0 12 ? * SAT#3', '2030-06-01T00:00:00Z', ['2030-06-15', '2030-07-20']],
    ['6#5 skips months without a fifth Saturday', '0 0 12 ? * 6#5', '2030-06-01T00:00:00Z', ['2030-06-29', '2030-08-31']],
    ['5L is the last Friday', '0 0 12 ? * 5L', '2030-03-01T00:00:00Z', ['2030-03-29', '2030-04-26', '2030-05-31']],
    ['7L and 0L are the last Sunday', '0 0 12 ? * 7L,0L', '2030-06-01T00:00:00Z', ['2030-06-30', '2030-07-28']],
    ['1 is Monday', '0 0 12 ? * 1', '2030-06-01T00:00:00Z', ['2030-06-03', '2030-06-10']],
    ['7 and 0 are Sunday', '0 0 12 ? * 7', '2030-06-01T00:00:00Z', ['2030-06-02', '2030-06-09']],
    ['0 is Sunday', '0 0 12 ? * 0', '2030-06-01T00:00:00Z', ['2030-06-02', '2030-06-09']],
    ['MON-FRI are the working days', '0 0 12 ? * MON-FRI', '2030-06-06T00:00:00Z', ['2030-06-06', '2030-06-07', '2030-06-10']],
    ['1-7 (MON-SUN) is every day', '0 0 12 ? * 1-7', '2030-06-01T00:00:00Z', ['2030-06-01', '2030-06-02', '2030-06-03']],
    ['SAT-SUN is the weekend', '0 0 12 ? * SAT-SUN', '2030-06-03T00:00:00Z', ['2030-06-08', '2030-06-09', '2030-06-15']],
    ['*/2 steps from Sunday as in the agent: Sun, Tue, Thu, Sat', '0 0 12 ? * */2', '2030-06-01T12:00:00Z', ['2030-06-02', '2030-06-04', '2030-06-06', '2030-06-08']],
    ['*/10 in day-of-month is the 1st, 11th, 21st and 31st', '0 0 12 */10 * ?', '2030-05-02T00:00:00Z', ['2030-05-11', '2030-05-21', '2030-05-31', '2030-06-01']],
    ['5-7 is Friday to Sunday', '0 0 12 ? * 5-7', '2030-06-03T00:00:00Z', ['2030-06-07', '2030-06-08', '2030-06-09', '2030-06-14']],
    ['day-of-month and day-of-week both restricted run on either (13th or Friday)', '0 0 12 13 * FRI', '2030-06-08T00:00:00Z', ['2030-06-13', '2030-06-14', '2030-06-21']],
    ['month names and a list of years', '0 0 12 1 FEB,aug ? 2031,2033', '2030-01-01T00:00:00Z', ['2031-02-01', '2031-08-01', '2033-02-01']],
  ])('%s', (_label, frequency, after, expectedDays) => {
    const expected = expectedDays.map((day) => `${day}T12:00:00.000Z`);
    expect(runs(frequency, after, expected.length)).toEqual(expected);
  });
});

describe('nextRun: cron without a time zone', () => {
  it('throws RangeError for an unknown instance zone', () => {
    expect(() => nextRun(schedule('0 0 12 * * *'), CREATED, CREATED, 'Mars/Olympus')).toThrow(RangeError);
  });

  it.each([
    ['an IANA name without a slash', 'Japan', '2030-01-01T03:00:00.000Z'],
    ['Etc/UTC', 'Etc/UTC', '2030-01-01T12:00:00.000Z'],
    ['a GMT offset', 'GMT-7:00', '2030-01-01T19:00:00.000Z'],
  ])('accepts %s as the instance zone', (_label, instanceZone, expected) => {
    expect(runs('0 0 12 * * *', '2030-01-01T00:00:00Z', 1, instanceZone)).toEqual([expected]);
  });
});
