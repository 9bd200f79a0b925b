/**
 * StoredPresence on a real store file: the `connected` column follows the sessions; after a lost
 * write it is not exact (and not written) until a resync rewrites it from the sessions, and a
 * resync only counts if no write was lost while its group was open.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoredPresence } from '../../controlplane/hub/stored-presence.js';
import { Store } from '../../controlplane/store/store.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, waitFor } from '../support/harness.js';
import { instanceRecord } from '../support/store-records.js';

const IDS = ['mi-1', 'mi-2', 'mi-3'];
const opened: Array<() => void> = [];
afterEach(() => {
  for (const close of opened.splice(0).reverse()) close();
  vi.restoreAllMocks();
});

function setUp(): { store: Store; presence: StoredPresence; sessions: Set<string>; column: () => Record<string, number> } {
  const dir = mkdtempSync(join(tmpdir(), 'casim-presence-'));
  const file = join(dir, 'store.sqlite');
  const store = new Store(file);
  store.transaction(() => {
    for (const id of IDS) store.instances.add(instanceRecord(id));
  });
  const presence = new StoredPresence(store, createLogger('test-presence'));
  const sessions = new Set<string>();
  presence.follow(() => sessions);
  opened.push(() => removeDir(dir), () => store.close(), () => presence.stop());
  const column = (): Record<string, number> => {
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT id, connected FROM instances ORDER BY id').all() as Array<{ id: string; connected: number }>;
      return Object.fromEntries(rows.map((r) => [r.id, r.connected]));
    } finally {
      db.close();
    }
  };
  return { store, presence, sessions, column };
}

/** The session set and the store as AgentSessions would move them. */
function connect(t: ReturnType<typeof setUp>, id: string, connected: boolean): void {
  if (connected) t.sessions.add(id);
  else t.sessions.delete(id);
  t.presence.set(id, connected);
}

/** The next presence write fails as a full disk would. */
function failNextWrite(store: Store): void {
  // A spy calls through to the real method, but for the one call queued here.
  vi.spyOn(store.presence, 'set').mockImplementationOnce(() => {
    throw new Error('database or disk is full');
  });
}

describe('StoredPresence', () => {
  it('writes the sessions opening and closing through the group commit', () => {
    const t = setUp();
    connect(t, 'mi-1', true);
    connect(t, 'mi-3', true);
    t.store.flush();
    expect(t.column()).toEqual({ 'mi-1': 1, 'mi-2': 0, 'mi-3': 1 });
    connect(t, 'mi-1', false);
    t.store.flush();
    expect(t.column()).toEqual({ 'mi-1': 0, 'mi-2': 0, 'mi-3': 1 });
    expect(t.presence.isExact()).toBe(true);
  });

  it('after a lost write: not exact and not written, until a resync rewrites the column from the sessions', () => {
    const t = setUp();
    connect(t, 'mi-1', true);
    t.store.flush();
    failNextWrite(t.store);
    connect(t, 'mi-2', true);
    expect(t.presence.isExact()).toBe(false);
    connect(t, 'mi-3', true);
    connect(t, 'mi-1', false);
    t.store.flush();
    // The column no longer follows: it still says what it said before the loss.
    expect(t.column()).toEqual({ 'mi-1': 1, 'mi-2': 0, 'mi-3': 0 });

    t.presence.resync();
    expect(t.presence.isExact()).toBe(false); // not before its group commits
    t.store.flush();
    expect(t.presence.isExact()).toBe(true);
    expect(t.column()).toEqual({ 'mi-1': 0, 'mi-2': 1, 'mi-3': 1 });
    // And it follows again.
    connect(t, 'mi-2', false);
    t.store.flush();
    expect(t.column()).toEqual({ 'mi-1': 0, 'mi-2': 0, 'mi-3': 1 });
  });

  it('keeps the writes that come while a resync waits for its commit', () => {
    const t = setUp();
    failNextWrite(t.store);
    connect(t, 'mi-1', true);
    connect(t, 'mi-2', true);
    t.presence.resync();
    connect(t, 'mi-2', false);
    connect(t, 'mi-3', true);
    t.store.flush();
    expect(t.presence.isExact()).toBe(true);
    expect(t.column()).toEqual({ 'mi-1': 1, 'mi-2': 0, 'mi-3': 1 });
  });

  it.each([
    ['a write fails while the resync waits for its commit', (t: ReturnType<typeof setUp>) => {
      failNextWrite(t.store);
      connect(t, 'mi-3', true);
    }],
    ['a group commit holding presence writes fails while the resync waits', (t: ReturnType<typeof setUp>) => t.presence.groupFailed(new Error('disk I/O error'))],
  ])('a resync does not count when %s; the next one does', (_name, loseOne) => {
    const t = setUp();
    failNextWrite(t.store);
    connect(t, 'mi-1', true);
    t.presence.resync();
    loseOne(t);
    t.store.flush();
    expect(t.presence.isExact()).toBe(false);
    t.presence.resync();
    t.store.flush();
    expect(t.presence.isExact()).toBe(true);
    expect(t.column()).toEqual({ 'mi-1': 1, 'mi-2': 0, 'mi-3': t.sessions.has('mi-3') ? 1 : 0 });
  });

  it('a resync that cannot write leaves the column not exact', () => {
    const t = setUp();
    failNextWrite(t.store);
    connect(t, 'mi-1', true);
    vi.spyOn(t.store.presence, 'resetAll').mockImplementationOnce(() => {
      throw new Error('database or disk is full');
    });
    t.presence.resync();
    t.store.flush();
    expect(t.presence.isExact()).toBe(false);
    expect(t.column()).toEqual({ 'mi-1': 0, 'mi-2': 0, 'mi-3': 0 });
  });

  it('its timer resyncs while the column is not exact', async () => {
    const t = setUp();
    failNextWrite(t.store);
    connect(t, 'mi-2', true);
    expect(t.presence.isExact()).toBe(false);
    t.presence.start(5);
    await waitFor(() => (t.presence.isExact() ? true : undefined), 5_000, 'the column to be exact again');
    expect(t.column()).toEqual({ 'mi-1': 0, 'mi-2': 1, 'mi-3': 0 });
  });
});
