import { runChannel, type RunLifecycleEvent } from '../controlplane/invocations/run-events.js';

/**
 * Resolves once `count` runs of an invocation have published `finished` (the run event that
 * follows the commit of the final status; events may come before the wait starts). The channel is
 * process-wide by name, so this hears every server in the process, whichever build it was loaded
 * from (bench/invoke-ab.ts imports several).
 */
export class FinishedRuns {
  private readonly counts = new Map<string, number>();
  private waiter: { invokeId: string; count: number; resolve: () => void } | undefined;
  private readonly listener = (message: unknown): void => {
    const event = message as RunLifecycleEvent;
    const count = (this.counts.get(event.invokeId) ?? 0) + 1;
    this.counts.set(event.invokeId, count);
    if (this.waiter?.invokeId === event.invokeId && count >= this.waiter.count) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  };

  constructor() {
    runChannel('finished').subscribe(this.listener);
  }

  wait(invokeId: string, count: number): Promise<void> {
    if ((this.counts.get(invokeId) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { invokeId, count, resolve }));
  }

  close(): void {
    runChannel('finished').unsubscribe(this.listener);
  }
}
