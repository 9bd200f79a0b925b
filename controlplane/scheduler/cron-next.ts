import type { Zone } from 'luxon';
import { matchingDays } from './cron-days.js';
import type { CronFields } from './cron-fields.js';
import { earliestInstantOf, wallClockOf } from './time-zones.js';

const SECOND_MS = 1000;

/**
 * The first instant strictly after `after` at which `fields` fire in `zone`, or null when there
 * is none (the year list is exhausted). Fields are matched against the zone's wall clock; a
 * wall-clock time skipped by a spring-forward change does not run, and one repeated by a
 * fall-back change runs once, at its first occurrence.
 */
export function nextCronRun(fields: CronFields, zone: Zone, after: Date): Date | null {
  // Every run is a whole second, so the wall clock's next whole second is the earliest candidate.
  let from = Math.floor(wallClockOf(after.getTime(), zone) / SECOND_MS) * SECOND_MS + SECOND_MS;
  for (;;) {
    const wall = firstMatchAtOrAfter(fields, from);
    if (wall === null) return null;
    const instant = earliestInstantOf(wall, zone);
    if (instant !== null && instant > after.getTime()) return new Date(instant);
    // Skipped (gap) or already past (the repeated hour after a fall-back): keep looking.
    from = wall + SECOND_MS;
  }
}

/**
 * The first wall-clock time (wall ms) at or after `from` that matches every field, searched
 * field by field from the year down to the second. While a candidate keeps the same leading
 * fields as `from` (it is "bounded"), the next field may not go below `from`'s value; once a
 * field moves past it, the smaller fields start from their first allowed value.
 */
function firstMatchAtOrAfter(fields: CronFields, from: number): number | null {
  const start = new Date(from);
  const lower = {
    year: start.getUTCFullYear(),
    month: start.getUTCMonth() + 1,
    day: start.getUTCDate(),
    hour: start.getUTCHours(),
    minute: start.getUTCMinutes(),
    second: start.getUTCSeconds(),
  };
  for (const year of atLeast(fields.years, lower.year, true)) {
    const inYear = year === lower.year;
    for (const month of atLeast(fields.months, lower.month, inYear)) {
      const inMonth = inYear && month === lower.month;
      const days = matchingDays(fields.dayOfMonth, fields.dayOfWeek, year, month);
      for (const day of atLeast(days, lower.day, inMonth)) {
        const inDay = inMonth && day === lower.day;
        for (const hour of atLeast(fields.hours, lower.hour, inDay)) {
          const inHour = inDay && hour === lower.hour;
          for (const minute of atLeast(fields.minutes, lower.minute, inHour)) {
            const inMinute = inHour && minute === lower.minute;
            const [second] = atLeast(fields.seconds, lower.second, inMinute);
            if (second !== undefined) return Date.UTC(year, month - 1, day, hour, minute, second);
          }
        }
      }
    }
  }
  return null;
}

/** The values of an ascending list that are `>= bound`, or all of them when not `bounded`. */
function atLeast(values: readonly number[], bound: number, bounded: boolean): readonly number[] {
  return bounded ? values.filter((value) => value >= bound) : values;
}
