import { formatApiTime } from '../../shared/clock.js';

/** The real service keeps invocation records for four weeks. */
export const DEFAULT_RETENTION_DAYS = 28;

/**
 * CASIM_RETENTION_DAYS: how many days finished results are kept (a positive number, fractions
 * allowed); 0 keeps them forever; unset or empty is the default. Anything else is refused at
 * start-up rather than silently ignored. Pure.
 */
export function retentionDaysFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(value);
  if (!Number.isFinite(days) || days < 0) throw new RangeError(`CASIM_RETENTION_DAYS must be a number of days ≥ 0, not "${value}"`);
  return days;
}

/** Records created before this API time are purged (undefined: keep everything). Pure. */
export function retentionCutoff(now: Date, days: number): string | undefined {
  if (days === 0) return undefined;
  return formatApiTime(new Date(now.getTime() - days * 86_400_000));
}
