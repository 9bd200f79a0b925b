/** The most one advance may move simulated time: 10 years of 365 days. */
export const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 60 * 60;

/**
 * The latest time an advance may reach: API times are `yyyy-MM-ddTHH:mm:ssZ`, four-digit years,
 * and simulated time keeps flowing with real time after an advance, so a year before the last
 * such second: a server left running for a year after the farthest advance still writes them.
 */
export const LATEST_SIMULATED_TIME_MS = Date.UTC(9998, 11, 31, 23, 59, 59);

/**
 * The milliseconds to advance by, or null when `raw` is not an accepted amount: a number of
 * seconds from 0 to MAX_ADVANCE_SECONDS whose result, from `nowMs`, stays at or before
 * LATEST_SIMULATED_TIME_MS. Pure.
 */
export function advanceMs(raw: string, nowMs: number): number | null {
  const text = raw.trim();
  const seconds = Number(text);
  if (text === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) return null;
  const ms = seconds * 1000;
  return nowMs + ms <= LATEST_SIMULATED_TIME_MS ? ms : null;
}
