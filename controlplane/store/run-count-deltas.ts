import type { InstanceInvocationStatus } from './records.js';

/** What the deltas of a transaction come to, per invocation. */
export interface RunCountDelta {
  invokeId: string;
  /** Run rows added (negative: deleted). */
  rows: number;
  /** Runs per status: what each status gained (negative: lost). Zeros left out. */
  statuses: Array<[status: InstanceInvocationStatus, delta: number]>;
}

/** A point to roll back to (`mark`): empty, or a copy of the deltas then. */
export type RunCountMark = ReadonlyMap<string, { rows: number; statuses: ReadonlyMap<InstanceInvocationStatus, number> }> | undefined;

/**
 * The changes of the per-invocation run counts (the status counts and the region's run rows)
 * made in the open transaction, summed per invocation and status, so the store writes each
 * counter once at the commit instead of once per run: a RunCommand on 100 instances adds 100
 * Pending runs (one counter +100, not 100 writes), a burst of 100 agent messages moves 100 runs
 * to Running (two writes, not 200). A savepoint that rolls back takes its part back (`mark`,
 * `rollbackTo`). Pure: the store applies what `drain` returns.
 */
export class RunCountDeltas {
  private deltas = new Map<string, { rows: number; statuses: Map<InstanceInvocationStatus, number> }>();

  /** A run of `invokeId` went from `before` to `after` (undefined: the row did not exist / was deleted). */
  change(invokeId: string, before: InstanceInvocationStatus | undefined, after: InstanceInvocationStatus | undefined): void {
    if (before === after) return;
    let entry = this.deltas.get(invokeId);
    if (!entry) {
      entry = { rows: 0, statuses: new Map() };
      this.deltas.set(invokeId, entry);
    }
    if (before === undefined) entry.rows += 1;
    if (after === undefined) entry.rows -= 1;
    if (before !== undefined) entry.statuses.set(before, (entry.statuses.get(before) ?? 0) - 1);
    if (after !== undefined) entry.statuses.set(after, (entry.statuses.get(after) ?? 0) + 1);
  }

  isEmpty(): boolean {
    return this.deltas.size === 0;
  }

  /** Where the deltas stand now (cheap when there are none, as at most savepoints). */
  mark(): RunCountMark {
    if (this.deltas.size === 0) return undefined;
    return new Map([...this.deltas].map(([id, entry]) => [id, { rows: entry.rows, statuses: new Map(entry.statuses) }]));
  }

  /** The deltas as they were at `mark` (the work since then rolled back). */
  rollbackTo(mark: RunCountMark): void {
    this.deltas = new Map([...(mark ?? [])].map(([id, entry]) => [id, { rows: entry.rows, statuses: new Map(entry.statuses) }]));
  }

  /** The summed deltas (zeros left out), and none kept. */
  drain(): RunCountDelta[] {
    const out: RunCountDelta[] = [];
    for (const [invokeId, entry] of this.deltas) {
      const statuses = [...entry.statuses].filter(([, delta]) => delta !== 0);
      if (entry.rows !== 0 || statuses.length > 0) out.push({ invokeId, rows: entry.rows, statuses });
    }
    this.deltas.clear();
    return out;
  }

  clear(): void {
    this.deltas.clear();
  }
}
