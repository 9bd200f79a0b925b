import { nextCronRun } from './cron-next.js';
import { parseCronFields } from './cron-fields.js';
import type { Schedule } from './schedule.js';
import { instanceZone, parseZoneToken } from './time-zones.js';

/**
 * The first run of `schedule` strictly after `after`, or null when it has no further run.
 * `anchor` is the task's creation time, from which a rate counts whole intervals (the first run
 * is one interval after it); `instanceZoneName` is the zone of a cron expression without a TZ.
 */
export function nextRun(schedule: Schedule, after: Date, anchor: Date, instanceZoneName: string): Date | null {
  switch (schedule.kind) {
    case 'rate':
      return nextRateRun(schedule.intervalSeconds, after, anchor);
    case 'at':
      return schedule.instant.getTime() > after.getTime() ? new Date(schedule.instant.getTime()) : null;
    case 'cron': {
      const fields = parseCronFields(schedule.expression);
      const zone = schedule.zone === null ? instanceZone(instanceZoneName) : parseZoneToken(schedule.zone);
      if (!fields || !zone) throw new RangeError(`not a schedule from parseFrequency: "${schedule.expression}"`);
      return nextCronRun(fields, zone, after);
    }
  }
}

/** `anchor + (floor((after - anchor) / period) + 1) * period`; never before one period after the anchor. */
function nextRateRun(intervalSeconds: number, after: Date, anchor: Date): Date {
  const periodMs = intervalSeconds * 1000;
  const elapsedMs = Math.max(0, after.getTime() - anchor.getTime());
  return new Date(anchor.getTime() + (Math.floor(elapsedMs / periodMs) + 1) * periodMs);
}
