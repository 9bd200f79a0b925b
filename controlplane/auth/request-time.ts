import { parseApiTimestamp } from './parse-timestamp.js';

/** Largest accepted distance between the request time and the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export type RequestTimeCheck =
  | { ok: true; time: Date }
  | { ok: false; error: 'InvalidTimeStamp.Format' | 'InvalidTimeStamp.Expired' };

/**
 * The gateway's time rule: the request time parses (parse-timestamp.ts, fractional seconds
 * included) and lies within 15 minutes of `now`, either way, with millisecond precision. Pure.
 */
export function checkRequestTime(value: string, now: Date): RequestTimeCheck {
  const time = parseApiTimestamp(value);
  if (!time) return { ok: false, error: 'InvalidTimeStamp.Format' };
  if (Math.abs(now.getTime() - time.getTime()) > MAX_CLOCK_SKEW_MS) return { ok: false, error: 'InvalidTimeStamp.Expired' };
  return { ok: true, time };
}
