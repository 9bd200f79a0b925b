import { FixedOffsetZone, IANAZone, type Zone } from 'luxon';

/**
 * Time zones of `at()` and cron expressions (spec §18.4) and the conversions between an instant
 * and the wall-clock time of a zone. A wall-clock time is held as the epoch milliseconds it would
 * have in UTC ("wall ms"), so calendar fields are read with the `getUTC*` methods.
 */

/** `GMT+8:00`, `GMT-7:00`, `GMT+14:00`: no leading zero in the hour (the agent's pattern). */
const GMT_OFFSET = /^GMT([+-])([0-9]|1[0-4]):([0-5][0-9])$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The zone named by an expression's TZ token, or null when the token is not one: an IANA name
 * containing `/` that exists (`Asia/Shanghai`), `GMT±H:MM`, or `UTC` / `GMT`. Case-sensitive.
 */
export function parseZoneToken(token: string): Zone | null {
  if (token.includes('/')) return IANAZone.isValidZone(token) ? IANAZone.create(token) : null;
  const offset = GMT_OFFSET.exec(token);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3]);
    return FixedOffsetZone.instance(offset[1] === '-' ? -minutes : minutes);
  }
  return token === 'UTC' || token === 'GMT' ? FixedOffsetZone.utcInstance : null;
}

/**
 * An instance's own time zone: any IANA name (`Asia/Shanghai`, `Etc/UTC`, `UTC`) or one of the
 * expression tokens above. Throws RangeError for anything else (a caller's bug, not a user error).
 */
export function instanceZone(name: string): Zone {
  const zone = parseZoneToken(name) ?? (IANAZone.isValidZone(name) ? IANAZone.create(name) : null);
  if (!zone) throw new RangeError(`unknown instance time zone "${name}"`);
  return zone;
}

/** The wall-clock time (wall ms) that `instant` (epoch ms) shows in `zone`. */
export function wallClockOf(instant: number, zone: Zone): number {
  return instant + zone.offset(instant) * MINUTE_MS;
}

/**
 * The earliest instant showing wall-clock time `wall` in `zone`: the first of the two when the
 * clock is set back (fall-back), null when the clock skips it (spring-forward gap).
 */
export function earliestInstantOf(wall: number, zone: Zone): number | null {
  const instants = candidateOffsets(wall, zone)
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => wallClockOf(instant, zone) === wall);
  return instants.length > 0 ? Math.min(...instants) : null;
}

/**
 * Like `earliestInstantOf`, but a wall-clock time inside a spring-forward gap is moved forward
 * by the gap's length (02:30 in a one-hour gap is read as 03:30), as java.time and Go do.
 */
export function instantOfWallClock(wall: number, zone: Zone): number {
  return earliestInstantOf(wall, zone) ?? wall - zone.offset(wall - DAY_MS) * MINUTE_MS;
}

/**
 * The offsets (minutes) in force within a day of `wall`: every real offset for that wall-clock
 * time is among them, as zones never change offset twice within two days.
 */
function candidateOffsets(wall: number, zone: Zone): number[] {
  return [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((instant) => zone.offset(instant)))];
}
