const API_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/**
 * Parses a request time in the one format the gateway accepts, UTC `yyyy-MM-ddTHH:mm:ssZ`
 * (`Timestamp` for V1, `x-acs-date` for V3). Null for any other shape, fractional seconds
 * included, and for impossible dates such as `2026-02-30T00:00:00Z`.
 */
export function parseApiTimestamp(value: string): Date | null {
  const match = API_TIMESTAMP.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number, number, number, number, number, number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrips ? date : null;
}
