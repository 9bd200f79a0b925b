import { describe, expect, it } from 'vitest';
import { parseCronFields } from '../../../controlplane/scheduler/cron-fields.js';

describe('parseCronFields: value lists', () => {
  it.each([
    ['a single value with one leading zero', '08 * * * * *', 'seconds', [8]],
    ['a list', '0,15,30,45 * * * * *', 'seconds', [0, 15, 30, 45]],
    ['a range', '0 10-12 * * * *', 'minutes', [10, 11, 12]],
    ['a range with a step', '0 0 9-17/4 * * *', 'hours', [9, 13, 17]],
    ['a start with a step, to the field end', '0 0 18/2 * * *', 'hours', [18, 20, 22]],
    ['* with a step', '0 */15 * * * *', 'minutes', [0, 15, 30, 45]],
    ['overlapping items, once each and sorted', '0 0 0 * 6,1-3,2 *', 'months', [1, 2, 3, 6]],
    ['month names in any case, short or long', '0 0 0 * jan,MAR,August *', 'months', [1, 3, 8]],
    ['a month-name range', '0 0 0 * OCT-DEC *', 'months', [10, 11, 12]],
    ['no year: every year 1970-2099', '0 0 0 * * *', 'years', range(1970, 2099)],
    ['a year range', '0 0 0 * * * 2030-2032', 'years', [2030, 2031, 2032]],
    ['a year start with a step', '0 0 0 * * * 2090/3', 'years', [2090, 2093, 2096, 2099]],
  ] as const)('reads %s', (_label, expression, field, expected) => {
    expect(parseCronFields(expression)?.[field]).toEqual(expected);
  });

  it.each([
    ['1-5 (Monday to Friday)', '1-5', [1, 2, 3, 4, 5]],
    ['MON-SUN (every day, Sunday last)', 'MON-SUN', [0, 1, 2, 3, 4, 5, 6]],
    ['7 (Sunday)', '7', [0]],
    ['SUN-SUN (Sunday only)', 'SUN-SUN', [0]],
    ['7/2 (Sunday only: 7 is the field end)', '7/2', [0]],
    ['1/2 (Monday, Wednesday, Friday, as the agent)', '1/2', [1, 3, 5]],
    ['full day names', 'monday,Friday', [1, 5]],
  ])('reads day-of-week %s', (_label, dayOfWeek, weekdays) => {
    expect(parseCronFields(`0 0 0 ? * ${dayOfWeek}`)?.dayOfWeek).toMatchObject({ restricted: true, weekdays });
  });

  it.each([
    ['*', '*'],
    ['?', '?'],
    ['a list holding *', '1,*'],
  ])('leaves the days unrestricted for %s', (_label, text) => {
    const fields = parseCronFields(`0 0 0 ${text} * ${text}`);
    expect([fields?.dayOfMonth.restricted, fields?.dayOfWeek.restricted]).toEqual([false, false]);
  });

  it('reads the day-of-month specials', () => {
    expect(parseCronFields('0 0 0 1,L,LW,15W,lw * ?')?.dayOfMonth).toEqual({
      restricted: true, days: [1], nearestWeekdays: [15], lastDay: true, lastWeekday: true,
    });
  });

  it('reads the day-of-week specials', () => {
    expect(parseCronFields('0 0 0 ? * 5L,FRIL,6#3,sat#3,7#1')?.dayOfWeek).toEqual({
      restricted: true, weekdays: [], lastInMonth: [5], nthInMonth: [{ weekday: 6, nth: 3 }, { weekday: 0, nth: 1 }],
    });
  });

  it.each([
    ['five fields', '* * * * *'],
    ['eight fields (the zone is not part of the grammar)', '0 0 0 * * * 2030 UTC'],
    ['three leading zeros', '0 000 * * * *'],
    ['two leading zeros', '0 008 * * * *'],
    ['a sign', '0 +5 * * * *'],
    ['a double step', '0 */5/2 * * * *'],
    ['a double range', '0 1-2-3 * * * *'],
    ['a step beyond the field', '*/60 * * * * *'],
    ['a day-of-week step of 7', '0 0 0 ? * */7'],
    ['a trailing comma', '0 0 0 1, * ?'],
  ])('rejects %s', (_label, expression) => {
    expect(parseCronFields(expression)).toBeNull();
  });
});

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}
