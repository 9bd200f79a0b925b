import type { Logger } from '../../shared/logger.js';
import type { Store } from '../store/store.js';

/**
 * Writes whether each instance's agent is connected to the store's `connected` column, as the
 * sessions (AgentSessions, the real agent's RealAgentOutbox) open and close, through the group
 * commit (a fleet's agents connecting at once cost a commit per turn, not one each).
 *
 * `isExact` says whether the column equals the sessions' own state: true until a write fails
 * (the store is unavailable, or a group commit that held presence writes rolled back), then
 * false until the server restarts (the store resets the column at open), so readers fall back
 * to asking the sessions.
 */
export class StoredPresence {
  private exact = true;
  /** Presence writes in the open group commit (confirmed by its afterCommit). */
  private unconfirmed = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  set(instanceId: string, connected: boolean): void {
    if (!this.exact) return;
    try {
      this.store.group(() => {
        this.store.presence.set(instanceId, connected);
        this.unconfirmed += 1;
        this.store.afterCommit(() => (this.unconfirmed -= 1));
      });
    } catch (error) {
      this.lost(error);
    }
  }

  /** A group commit failed (the store's onGroupFailed): presence writes in it are gone. */
  groupFailed(error: unknown): void {
    if (this.unconfirmed === 0) return;
    this.unconfirmed = 0;
    this.lost(error);
  }

  private lost(error: unknown): void {
    if (!this.exact) return;
    this.exact = false;
    this.logger.warn('store unavailable: the connected column is not kept until restart (Connected is read from the sessions)', { error: (error as Error).message });
  }

  isExact(): boolean {
    return this.exact;
  }
}
