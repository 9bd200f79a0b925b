/** `yyyy-MM-ddTHH:mm:ss`, optional fractional seconds (1–9 digits), then `Z`. */
const API_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/**
 * Parses a request time (`Timestamp` for V1, `x-acs-date` for V3): UTC `yyyy-MM-ddTHH:mm:ssZ`,
 * also with fractional seconds (`2026-12-01T06:37:22.879Z`, what `aliyun-sdk` sends on every
 * call: JavaScript's `toISOString()`). Digits past the millisecond are dropped. Null for any
 * other shape (offsets, no zone, a space separator) and for impossible dates such as
 * `2026-02-30T00:00:00Z`.
 */
export function parseApiTimestamp(value: string): Date | null {
  const match = API_TIMESTAMP.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrips ? date : null;
}
