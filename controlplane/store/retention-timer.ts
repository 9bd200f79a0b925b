import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { PurgeCounts, RetentionPurge } from './retention-purge.js';
import { retentionCutoff } from './retention-policy.js';

export interface RetentionTimerOptions {
  purge: RetentionPurge;
  clock: Clock;
  logger: Logger;
  days: number;
  /** Real time between sweeps. */
  intervalMs?: number;
  /** Invocations per transaction. */
  batch?: number;
}

const DEFAULT_INTERVAL_MS = 10 * 60_000;
/** A sweep stops after this many batches; the next one continues (a backlog never blocks the server long). */
const MAX_BATCHES_PER_SWEEP = 20;

/** Purges what is past retention every few minutes, in short transactions (retention-purge.ts). */
export class RetentionTimer {
  private timer: NodeJS.Timeout | undefined;
  private readonly batch: number;

  constructor(private readonly options: RetentionTimerOptions) {
    this.batch = options.batch ?? 500;
  }

  start(): void {
    if (this.options.days === 0 || this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.sweep();
      } catch (error) {
        this.options.logger.warn('retention purge failed; retried at the next sweep', { error: (error as Error).message });
      }
    }, this.options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sweep now: batches until one removes less than a full batch. What it removed in all. */
  sweep(): PurgeCounts {
    const total: PurgeCounts = { invocations: 0, runs: 0, commands: 0, files: 0, clientTokens: 0 };
    const cutoff = retentionCutoff(this.options.clock.now(), this.options.days);
    if (cutoff === undefined) return total;
    for (let i = 0; i < MAX_BATCHES_PER_SWEEP; i += 1) {
      const pass = this.options.purge.purgeBefore(cutoff, this.batch);
      for (const key of Object.keys(total) as Array<keyof PurgeCounts>) total[key] += pass[key];
      if (pass.invocations < this.batch && pass.commands < this.batch && pass.files < this.batch) break;
    }
    if (total.invocations + total.commands + total.files + total.clientTokens > 0) this.options.logger.info('purged records past retention', { cutoff, ...total });
    return total;
  }
}
