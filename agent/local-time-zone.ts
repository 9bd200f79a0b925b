import { existsSync, readFileSync, readlinkSync } from './sync-fs.js';

/** Where Linux keeps the zone files (tzdata). */
export const ZONEINFO_DIR = '/usr/share/zoneinfo';

/** The names ICU (and so `Intl`) reports as `UTC`. */
const UTC_ALIASES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'Etc/GMT', 'GMT', 'Etc/GMT0', 'GMT0', 'Etc/Greenwich', 'Greenwich']);
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** How the zone is found; the defaults read this machine. */
export interface TimeZoneSources {
  tz: string | undefined;
  /** The target of the /etc/localtime symlink, or undefined when it is not a link. */
  localtimeLink(): string | undefined;
  /** The contents of /etc/timezone (Debian), or undefined. */
  timezoneFile(): string | undefined;
  /** Whether `name` is a zone file under ZONEINFO_DIR. */
  isZone(name: string): boolean;
  /** The runtime's answer (ICU), the last resort. */
  intl(): string;
}

const readOrUndefined = <T>(read: () => T): T | undefined => {
  try {
    return read();
  } catch {
    return undefined;
  }
};

const machineSources: TimeZoneSources = {
  tz: process.env.TZ,
  localtimeLink: () => readOrUndefined(() => readlinkSync('/etc/localtime')),
  timezoneFile: () => readOrUndefined(() => readFileSync('/etc/timezone', 'utf8')),
  isZone: (name) => existsSync(`${ZONEINFO_DIR}/${name}`),
  intl: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
};

/**
 * The machine's IANA time zone (the hello frame's `timeZone`), found the way ICU finds it on
 * Linux: TZ, else the zone /etc/localtime links to, else /etc/timezone; `Intl` only when none of
 * them names a zone. Not `Intl` first: its first DateTimeFormat loads ICU's locale data, ~0.8 MiB
 * of an idle agent's RSS (issue 10, bench/idle-agent.ts; ~8 MiB on a bare node, most of it
 * shared with what the agent loads anyway).
 */
export function localTimeZone(sources: TimeZoneSources = machineSources): string {
  const named = (candidate: string | undefined): string | undefined => {
    if (candidate === undefined) return undefined;
    const name = candidate.trim().replace(/^:/, '');
    if (!ZONE_NAME.test(name) || !sources.isZone(name)) return undefined;
    return UTC_ALIASES.has(name) ? 'UTC' : name;
  };
  if (sources.tz !== undefined) return named(sources.tz) ?? (sources.intl() || 'UTC');
  const link = sources.localtimeLink();
  const linked = link === undefined ? undefined : /\/zoneinfo\/(.+)$/.exec(link)?.[1];
  return named(linked) ?? named(sources.timezoneFile()) ?? (sources.intl() || 'UTC');
}
