import type { Logger } from '../../shared/logger.js';
import type { ControlPlaneStore } from '../store/control-plane-store.js';

/** Real time between attempts to rewrite a column that is not exact (see `resync`). */
export const PRESENCE_RESYNC_MS = 5_000;

/** The instance IDs that have a live session now (AgentSessions, the real agent's RealAgentOutbox). */
export type ConnectedIds = () => Iterable<string>;

/**
 * Writes whether each instance's agent is connected to the store's `connected` column, as the
 * sessions (AgentSessions, the real agent's RealAgentOutbox) open and close, through the group
 * commit (a fleet's agents connecting at once cost a commit per turn, not one each).
 *
 * `isExact` says whether the column equals the sessions' own state: true until a write fails
 * (the store is unavailable, or a group commit that held presence writes rolled back), so
 * readers fall back to asking the sessions. While it is not, a timer (`start`) rewrites the whole
 * column from the sessions (`resync`) every few seconds; once that group commits with no presence
 * write lost since it was taken, the column is exact again.
 */
export class StoredPresence {
  private exact = true;
  /**
   * A resync's group is open: writes go on (they land after it), exact once it commits; a write
   * lost before then ends it (the column is not exact, the next resync starts over).
   */
  private resyncing = false;
  /** Presence writes in the open group commit (confirmed by its afterCommit). */
  private unconfirmed = 0;
  private readonly sources: ConnectedIds[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ControlPlaneStore,
    private readonly logger: Logger,
  ) {}

  /** `source` is one kind of session: a resync marks its IDs connected. */
  follow(source: ConnectedIds): void {
    this.sources.push(source);
  }

  set(instanceId: string, connected: boolean): void {
    if (!this.exact && !this.resyncing) return;
    this.write(() => this.store.presence.set(instanceId, connected));
  }

  /**
   * The column from the sessions in one group: every instance offline, then the connected ones
   * online. Nothing to do while the column is exact (or a resync is still to commit).
   */
  resync(): void {
    if (this.exact || this.resyncing) return;
    const ids = new Set<string>();
    for (const source of this.sources) for (const id of source()) ids.add(id);
    this.resyncing = true;
    this.write(
      () => {
        this.store.presence.resetAll();
        for (const id of ids) this.store.presence.set(id, true);
      },
      () => {
        if (!this.resyncing) return;
        this.resyncing = false;
        this.exact = true;
        this.logger.info('store available again: the connected column is kept again', { connected: ids.size });
      },
    );
  }

  /** Resyncs every `intervalMs` while the column is not exact. */
  start(intervalMs = PRESENCE_RESYNC_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.resync(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A group commit failed (the store's onGroupFailed): presence writes in it are gone. */
  groupFailed(error: unknown): void {
    if (this.unconfirmed === 0) return;
    this.unconfirmed = 0;
    this.lost(error);
  }

  isExact(): boolean {
    return this.exact;
  }

  /** `work` in the group commit, counted until it commits; `committed` runs after. */
  private write(work: () => void, committed?: () => void): void {
    try {
      this.store.group(() => {
        work();
        this.unconfirmed += 1;
        this.store.afterCommit(() => {
          this.unconfirmed -= 1;
          committed?.();
        });
      });
    } catch (error) {
      this.lost(error);
    }
  }

  private lost(error: unknown): void {
    this.resyncing = false;
    if (!this.exact) return;
    this.exact = false;
    this.logger.warn('store unavailable: the connected column is not kept until it can be rewritten (Connected is read from the sessions)', { error: (error as Error).message });
  }
}
