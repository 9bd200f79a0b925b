import { formatApiTime, type Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { nextRun } from '../scheduler/next-run.js';
import { parseFrequency } from '../scheduler/parse-frequency.js';
import type { Schedule } from '../scheduler/schedule.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InvocationRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { InvocationService } from './invocation-service.js';

const TICK_MS = 1000;

/** The task's schedule, parsed as of its creation (so an at() that has run is not "expired"). */
function scheduleOf(invocation: InvocationRecord): Schedule | null {
  if (invocation.repeatMode !== 'Period' || !invocation.frequency) return null;
  try {
    return parseFrequency(invocation.frequency, { timeoutSeconds: invocation.timeout, now: new Date(Date.parse(invocation.creationTime) - 1000) });
  } catch {
    return null;
  }
}

/**
 * RepeatMode=Period on the control plane's clock: each instance's next run time is stored with
 * its run row; every tick (and every jump of simulated time) starts the runs that are due.
 * A run still going at its next tick makes that tick be skipped (the next time is computed
 * when the run ends).
 */
export class PeriodScheduler {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly registry: InstanceRegistry,
    private readonly invocations: InvocationService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    invocations.firstRunTime = (invocation, instanceId) => this.nextRunTime(invocation, instanceId, this.clock.now());
    invocations.nextRunTime = (invocation, instanceId, after) => this.nextRunTime(invocation, instanceId, after);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
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

  /** Starts every run that is due now. */
  tick(): void {
    const now = this.clock.now().getTime();
    for (const run of this.store.runs.withLabel(['Scheduled'])) {
      if (!run.nextRunTime || Date.parse(run.nextRunTime) > now) continue;
      if (this.invocations.trigger(run.invokeId, run.instanceId)) {
        this.logger.info('scheduled run started', { invokeId: run.invokeId, instanceId: run.instanceId, due: run.nextRunTime });
      }
    }
  }
}
