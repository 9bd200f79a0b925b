import { FixedOffsetZone, type Zone } from 'luxon';
import { domainError, type DomainError } from '../domain/domain-error.js';
import { nextCronRun } from './cron-next.js';
import { parseCronFields, type CronFields } from './cron-fields.js';
import type { Schedule } from './schedule.js';
import { instantOfWallClock, parseZoneToken } from './time-zones.js';

export interface FrequencyOptions {
  /** The invocation's Timeout: a rate must be longer, cron runs at least this far apart. */
  readonly timeoutSeconds: number;
  /** The moment of the request: `at()` must be after it, a cron must still run after it. */
  readonly now: Date;
}

/** The agent's rate pattern (spec §18.1), over the whole (trimmed) Frequency. */
const RATE = /^rate\s*\((\d+)\s*([smhd])\)$/i;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const RATE_MIN_SECONDS = 60;
const RATE_MAX_SECONDS = 7 * 86_400;

/** `at(yyyy-MM-dd HH:mm:ss [TZ])` (spec §18.2). */
const AT = /^at\s*\(\s*(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?\s*\)$/i;

/**
 * A 7th cron field is the year when it matches this (the agent's pattern, deliberately not
 * anchored for the year numbers: `2022/2` and `2022-2030` count), otherwise it is the time zone.
 */
const CRON_YEAR_FIELD = /^\*$|^\?$|19[789][0-9]|20[0-9]{2}|^\*\/(\d+)$/;
/** Smallest allowed distance between two cron runs, before Timeout is considered (spec §18.3). */
const CRON_MIN_INTERVAL_SECONDS = 10;
/** How many upcoming cron runs are checked for the minimum interval. */
const CRON_RUNS_CHECKED = 16;

/**
 * Parses and validates a RepeatMode=Period `Frequency` (spec §18): `rate(…)`, `at(…)` or a cron
 * expression. Throws `InvalidParam.Frequency` for anything malformed, out of bounds or expired.
 */
export function parseFrequency(text: string, options: FrequencyOptions): Schedule {
  const trimmed = text.trim();
  if (/^rate\s*\(/i.test(trimmed)) return parseRate(trimmed, options);
  if (/^at\s*\(/i.test(trimmed)) return parseAt(trimmed, options);
  return parseCron(trimmed, options);
}

/** `rate(<n><s|m|h|d>)`: 60 s to 7 days, and longer than Timeout. */
function parseRate(text: string, { timeoutSeconds }: FrequencyOptions): Schedule {
  const match = RATE.exec(text);
  if (!match) throw invalidFrequency();
  const intervalSeconds = Number(match[1]) * (UNIT_SECONDS[(match[2] ?? '').toLowerCase()] ?? Number.NaN);
  const inBounds = intervalSeconds >= RATE_MIN_SECONDS && intervalSeconds <= RATE_MAX_SECONDS;
  if (!inBounds || intervalSeconds <= timeoutSeconds) throw invalidFrequency();
  return { kind: 'rate', intervalSeconds };
}

/** `at(yyyy-MM-dd HH:mm:ss [TZ])`, UTC without a zone; must lie after `now`. */
function parseAt(text: string, { now }: FrequencyOptions): Schedule {
  const match = AT.exec(text);
  if (!match) throw invalidFrequency();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(wall);
  const realTime =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  const zone = match[7] === undefined ? FixedOffsetZone.utcInstance : parseZoneToken(match[7]);
  if (!realTime || !zone) throw invalidFrequency();
  const instant = instantOfWallClock(wall, zone);
  if (instant <= now.getTime()) throw invalidFrequency();
  return { kind: 'at', instant: new Date(instant) };
}

/**
 * `<sec> <min> <hour> <dom> <month> <dow> [<year>] [<TZ>]`. It must run again after `now`, and
 * its first runs must be at least 10 s and Timeout apart. Without a TZ the instance's zone
 * applies at run time; it is unknown here, so these checks use UTC.
 */
function parseCron(text: string, { timeoutSeconds, now }: FrequencyOptions): Schedule {
  const split = splitCron(text);
  const fields = split && parseCronFields(split.expression);
  if (!split || !fields) throw invalidFrequency();
  const zone = split.zone === null ? FixedOffsetZone.utcInstance : parseZoneToken(split.zone);
  if (!zone) throw invalidFrequency();
  const runs = upcomingRuns(fields, zone, now, CRON_RUNS_CHECKED);
  if (runs.length === 0) throw invalidFrequency();
  const minGapMs = Math.max(CRON_MIN_INTERVAL_SECONDS, timeoutSeconds) * 1000;
  if (runs.some((run, index) => index > 0 && run - (runs[index - 1] ?? run) < minGapMs)) throw invalidFrequency();
  return { kind: 'cron', expression: split.expression, zone: split.zone };
}

/** The time fields (6 or 7) and the TZ token, as the agent splits them; null for a wrong count. */
function splitCron(text: string): { expression: string; zone: string | null } | null {
  const fields = text.split(/\s+/);
  const last = fields[fields.length - 1] ?? '';
  if (fields.length === 6 || (fields.length === 7 && CRON_YEAR_FIELD.test(last))) {
    return { expression: fields.join(' '), zone: null };
  }
  if (fields.length === 7 || fields.length === 8) {
    return { expression: fields.slice(0, -1).join(' '), zone: last };
  }
  return null;
}

/** Up to `count` run instants (epoch ms) after `now`. */
function upcomingRuns(fields: CronFields, zone: Zone, now: Date, count: number): number[] {
  const runs: number[] = [];
  for (let run = nextCronRun(fields, zone, now); run && runs.length < count; run = nextCronRun(fields, zone, run)) {
    runs.push(run.getTime());
  }
  return runs;
}

function invalidFrequency(): DomainError {
  return domainError('InvalidParam.Frequency');
}
