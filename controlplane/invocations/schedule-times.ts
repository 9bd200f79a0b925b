import { formatApiTime, type Clock } from '../../shared/clock.js';
import { nextRun } from '../scheduler/next-run.js';
import { parseFrequency } from '../scheduler/parse-frequency.js';
import type { Schedule } from '../scheduler/schedule.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InvocationRecord } from '../store/records.js';

/** When a repeating task's runs are due on an instance (in the instance's own time zone). */
export interface RunSchedule {
  /** The first run of a new task ("" = not by time). */
  firstRunTime(invocation: InvocationRecord, instanceId: string): string;
  /** The next run after `after` ("" = the schedule is over). */
  nextRunTime(invocation: InvocationRecord, instanceId: string, after: Date): string;
}

/** The task's schedule, parsed as of its creation (so an at() that has run is not "expired"). */
function scheduleOf(invocation: InvocationRecord): Schedule | null {
  if (invocation.repeatMode !== 'Period' || !invocation.frequency) return null;
  try {
    return parseFrequency(invocation.frequency, { timeoutSeconds: invocation.timeout, now: new Date(Date.parse(invocation.creationTime) - 1000) });
  } catch {
    return null;
  }
}

/** RepeatMode=Period times from the task's Frequency and the instance's zone (default UTC). */
export class ScheduleTimes implements RunSchedule {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly clock: Clock,
  ) {}

  firstRunTime(invocation: InvocationRecord, instanceId: string): string {
    return this.nextRunTime(invocation, instanceId, this.clock.now());
  }

  nextRunTime(invocation: InvocationRecord, instanceId: string, after: Date): string {
    const schedule = scheduleOf(invocation);
    if (!schedule) return '';
    const zone = this.registry.get(instanceId)?.timeZone ?? 'UTC';
    let next: Date | null;
    try {
      next = nextRun(schedule, after, new Date(invocation.creationTime), zone);
    } catch {
      next = nextRun(schedule, after, new Date(invocation.creationTime), 'UTC');
    }
    return next ? formatApiTime(next) : '';
  }
}
