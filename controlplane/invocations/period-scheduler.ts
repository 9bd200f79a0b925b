import { formatApiTime, type Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ControlPlaneStore } from '../store/control-plane-store.js';
import type { InvocationService } from './invocation-service.js';

const TICK_MS = 1000;

/**
 * RepeatMode=Period on the control plane's clock: each instance's next run time is stored with
 * its run row (schedule-times.ts); every tick (and every jump of simulated time) starts the runs
 * that are due. A run still going at its next tick makes that tick be skipped (the next time is
 * computed when the run ends).
 */
export class PeriodScheduler {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ControlPlaneStore,
    private readonly invocations: InvocationService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Starts every run that is due now. */
  tick(): void {
    for (const run of this.store.dueRuns(formatApiTime(this.clock.now()))) {
      try {
        if (this.invocations.trigger(run.invokeId, run.instanceId)) {
          this.logger.info('scheduled run started', { invokeId: run.invokeId, instanceId: run.instanceId, due: run.nextRunTime });
        }
      } catch (error) {
        // E.g. a full disk: the run stays due and the next tick tries again.
        this.logger.warn('scheduled run not started', { invokeId: run.invokeId, instanceId: run.instanceId, error: (error as Error).message });
      }
    }
  }
}
