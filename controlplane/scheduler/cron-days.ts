import type { DayOfMonthRule, DayOfWeekRule } from './cron-fields.js';

/**
 * The days (ascending) of `month` (1–12) of `year` that a cron expression's day fields select,
 * with the agent's rules: when both day-of-month and day-of-week are restricted a day matching
 * either runs (as in Vixie cron); when neither is, every day runs. `W` never leaves the month.
 */
export function matchingDays(dayOfMonth: DayOfMonthRule, dayOfWeek: DayOfWeekRule, year: number, month: number): number[] {
  const length = daysInMonth(year, month);
  if (!dayOfMonth.restricted && !dayOfWeek.restricted) return range(1, length);
  const days = new Set<number>();
  if (dayOfMonth.restricted) {
    dayOfMonth.days.filter((day) => day <= length).forEach((day) => days.add(day));
    if (dayOfMonth.lastDay) days.add(length);
    if (dayOfMonth.lastWeekday) days.add(nearestWeekday(year, month, length));
    dayOfMonth.nearestWeekdays.filter((day) => day <= length).forEach((day) => days.add(nearestWeekday(year, month, day)));
  }
  if (dayOfWeek.restricted) {
    const weekdayOfFirst = weekdayOf(year, month, 1);
    /** The first day of the month falling on `weekday`. */
    const first = (weekday: number): number => 1 + ((weekday - weekdayOfFirst + 7) % 7);
    for (const weekday of dayOfWeek.weekdays) {
      for (let day = first(weekday); day <= length; day += 7) days.add(day);
    }
    for (const { weekday, nth } of dayOfWeek.nthInMonth) {
      const day = first(weekday) + 7 * (nth - 1);
      if (day <= length) days.add(day);
    }
    for (const weekday of dayOfWeek.lastInMonth) {
      days.add(length - ((weekdayOf(year, month, length) - weekday + 7) % 7));
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** Saturday moves to Friday (to Monday the 3rd for the 1st), Sunday to Monday (to Friday for the last day). */
function nearestWeekday(year: number, month: number, day: number): number {
  const length = daysInMonth(year, month);
  switch (weekdayOf(year, month, day)) {
    case 6:
      return day > 1 ? day - 1 : day + 2;
    case 0:
      return day < length ? day + 1 : day - 2;
    default:
      return day;
  }
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}
