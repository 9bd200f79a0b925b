import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalLog, type JournalModel } from '../../agent/journal-log.js';
import { TaskJournal } from '../../agent/task-journal.js';
import type { TaskFinishedMessage } from '../../shared/protocol.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-journal-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A model where applying a change twice shows: a running sum and the changes in order. */
interface Tally {
  total: number;
  seen: number[];
}
const TALLY: JournalModel<Tally, { add: number }> = {
  fromSnapshot: (value) => ({ total: value?.total ?? 0, seen: value?.seen ?? [] }),
  apply(state, change) {
    state.total += change.add;
    state.seen.push(change.add);
  },
};

const report = (taskId: string): TaskFinishedMessage => ({
  type: 'task-finished',
  taskId,
  run: 1,
  outcome: { kind: 'exited', exitCode: 0 },
  output: '',
  dropped: 0,
  startedAt: '2026-12-01T00:00:00.000Z',
  finishedAt: '2026-12-01T00:00:01.000Z',
});

describe('JournalLog', () => {
  it('keeps each change as one appended line, private to the agent, and replays them after a restart', () => {
    const file = join(dir, 'replay', 'state.json');
    const journal = new JournalLog(file, TALLY);
    journal.record({ add: 1 });
    journal.record({ add: 2 });
    expect(readdirSync(join(dir, 'replay'))).toEqual(['state.json.log']);
    expect(readFileSync(`${file}.log`, 'utf8').split('\n')).toEqual(['{"seq":1,"change":{"add":1}}', '{"seq":2,"change":{"add":2}}', '']);
    expect(statSync(`${file}.log`).mode & 0o777).toBe(0o600);
    expect(new JournalLog(file, TALLY).state).toEqual({ total: 3, seen: [1, 2] });
  });

  it('ignores a line cut short by a crash and starts the next change on a line of its own', () => {
    const file = join(dir, 'torn', 'state.json');
    new JournalLog(file, TALLY).record({ add: 1 });
    appendFileSync(`${file}.log`, '{"seq":2,"change":{"ad');
    const reopened = new JournalLog(file, TALLY);
    expect(reopened.state).toEqual({ total: 1, seen: [1] });
    reopened.record({ add: 5 });
    expect(new JournalLog(file, TALLY).state).toEqual({ total: 6, seen: [1, 5] });
  });

  it('writes the state as a snapshot and empties the log once the log passes its size limit', () => {
    const file = join(dir, 'compact', 'state.json');
    const journal = new JournalLog(file, TALLY, { maxLogBytes: 100 });
    for (let add = 1; add <= 4; add += 1) journal.record({ add });
    // The fourth line took the log past 100 bytes.
    expect(readFileSync(`${file}.log`, 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ total: 10, seen: [1, 2, 3, 4], seq: 4 });
    journal.record({ add: 5 });
    expect(new JournalLog(file, TALLY).state).toEqual({ total: 15, seen: [1, 2, 3, 4, 5] });
  });

  it('replays nothing twice when a crash came between the snapshot and emptying the log', () => {
    const file = join(dir, 'half-compacted', 'state.json');
    const journal = new JournalLog(file, TALLY);
    journal.record({ add: 1 });
    journal.record({ add: 2 });
    // The snapshot is written, the log not yet emptied.
    writeFileSync(file, JSON.stringify({ total: 3, seen: [1, 2], seq: 2 }));
    appendFileSync(`${file}.log`, '{"seq":3,"change":{"add":4}}\n');
    expect(new JournalLog(file, TALLY).state).toEqual({ total: 7, seen: [1, 2, 4] });
  });

  it('reads a snapshot written before the log (no sequence number) as it is', () => {
    const file = join(dir, 'old', 'state.json');
    new JournalLog(file, TALLY).compact(); // makes the directory
    writeFileSync(file, JSON.stringify({ total: 9, seen: [9] }));
    const journal = new JournalLog(file, TALLY);
    expect(journal.state).toEqual({ total: 9, seen: [9] });
    journal.record({ add: 1 });
    expect(new JournalLog(file, TALLY).state).toEqual({ total: 10, seen: [9, 1] });
  });
});

describe('TaskJournal', () => {
  it('reports a run left going by the previous agent process as interrupted, once', () => {
    const file = join(dir, 'task', 'journal.json');
    new TaskJournal(file).started('t-1#1', 't-1', 1, new Date('2026-12-01T00:00:00Z'));
    const restarted = new TaskJournal(file);
    expect(restarted.recoverInterrupted(new Date('2026-12-01T00:01:00Z'))).toEqual([
      expect.objectContaining({ taskId: 't-1', run: 1, outcome: { kind: 'interrupted' }, startedAt: '2026-12-01T00:00:00.000Z' }),
    ]);
    const again = new TaskJournal(file);
    expect(again.recoverInterrupted(new Date())).toEqual([]);
    expect(again.unacknowledged().map((r) => r.taskId)).toEqual(['t-1']);
    expect(again.isDone('t-1#1')).toBe(true);
  });

  it('keeps a finished run unacknowledged across restarts until its acknowledgement, then done', () => {
    const file = join(dir, 'task-ack', 'journal.json');
    const journal = new TaskJournal(file);
    journal.started('t-2#1', 't-2', 1, new Date());
    journal.finished('t-2#1', report('t-2'));
    expect(new TaskJournal(file).unacknowledged()).toEqual([report('t-2')]);
    journal.acknowledged('t-2#1');
    const restarted = new TaskJournal(file);
    expect(restarted.unacknowledged()).toEqual([]);
    expect(restarted.isDone('t-2#1')).toBe(true);
    expect(restarted.recoverInterrupted(new Date())).toEqual([]);
  });

  it('remembers the newest 2,000 acknowledged runs as done, live and after a restart, and forgets older ones', () => {
    const file = join(dir, 'task-done', 'journal.json');
    const journal = new TaskJournal(file);
    const key = (i: number): string => `t-${i}#1`;
    for (let i = 0; i < 2_001; i += 1) {
      journal.started(key(i), `t-${i}`, 1, new Date());
      journal.finished(key(i), report(`t-${i}`));
      journal.acknowledged(key(i));
    }
    const restarted = new TaskJournal(file);
    for (const j of [journal, restarted]) {
      expect(j.isDone(key(0))).toBe(false);
      expect(j.isDone(key(1))).toBe(true);
      expect(j.isDone(key(2_000))).toBe(true);
      expect(j.isDone(key(2_001))).toBe(false);
    }
  });
});
