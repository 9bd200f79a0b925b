import { describe, expect, it } from 'vitest';
import { acknowledges, standsForTaskAck, supersedes } from '../../shared/ack-rules.js';
import type { AgentMessage } from '../../shared/protocol.js';

const T = 't-1.i-1';
const started = { type: 'task-started', taskId: T, run: 1, startedAt: '2026-12-01T10:00:00Z' } as const;
const output = (seq: number, run = 1) => ({ type: 'task-output', taskId: T, run, seq, data: 'aGk=' }) as const;
const finished = {
  type: 'task-finished', taskId: T, run: 1, outcome: { kind: 'exited', exitCode: 0 }, output: '', dropped: 0,
  startedAt: '2026-12-01T10:00:00Z', finishedAt: '2026-12-01T10:00:01Z',
} as const;
const startedAck = (run = 1, taskId = T) => ({ type: 'started-ack', taskId, run }) as const;
const outputAck = (seq: number, run = 1) => ({ type: 'output-ack', taskId: T, run, seq }) as const;
const finishAck = (run = 1, taskId = T) => ({ type: 'finish-ack', taskId, run }) as const;

describe('standsForTaskAck', () => {
  it.each([
    [started, true],
    [finished, true],
    [output(0), false],
    [{ type: 'task-ack', taskId: T, run: 1 }, false],
    [{ type: 'heartbeat' }, false],
  ] as Array<[AgentMessage, boolean]>)('%j: %s', (report, stands) => {
    expect(standsForTaskAck(report)).toBe(stands);
  });
});

type Ack = Parameters<typeof acknowledges>[0];
type Report = Parameters<typeof acknowledges>[1];

describe('acknowledges (what the agent may forget on an ack)', () => {
  it.each([
    ['started-ack', startedAck(), started, true],
    ['started-ack', startedAck(), output(0), false],
    ['started-ack', startedAck(), finished, false],
    ['output-ack up to 3', outputAck(3), output(3), true],
    ['output-ack up to 3', outputAck(3), output(2), true],
    ['output-ack up to 3', outputAck(3), output(4), false],
    ['output-ack', outputAck(3), started, false],
    ['output-ack', outputAck(3), finished, false],
    ['finish-ack', finishAck(), finished, true],
    ['finish-ack', finishAck(), started, true],
    ['finish-ack', finishAck(), output(9), true],
    ['finish-ack of another run', finishAck(2), started, false],
    ['finish-ack of another task', finishAck(1, 't-2.i-1'), started, false],
    ['started-ack of another run', startedAck(0), started, false],
    ['output-ack of another run', outputAck(9, 2), output(0), false],
  ] as Array<[string, Ack, Report, boolean]>)('%s → %j: %s', (_name, ack, report, expected) => {
    expect(acknowledges(ack, report)).toBe(expected);
  });
});

describe('supersedes (an unsent ack made redundant by another)', () => {
  it.each([
    ['finish-ack', finishAck(), startedAck(), true],
    ['finish-ack', finishAck(), outputAck(5), true],
    ['finish-ack', finishAck(), finishAck(), true],
    ['finish-ack of another run', finishAck(2), startedAck(1), false],
    ['finish-ack of another task', finishAck(1, 't-2.i-1'), startedAck(1), false],
    ['started-ack', startedAck(), finishAck(), false],
    ['started-ack', startedAck(), outputAck(0), false],
    ['started-ack', startedAck(), startedAck(), true],
    ['output-ack 5', outputAck(5), outputAck(4), true],
    ['output-ack 5', outputAck(5), outputAck(6), false],
    ['output-ack 5', outputAck(5), startedAck(), false],
    ['output-ack 5', outputAck(5), finishAck(), false],
  ] as Array<[string, Ack, Ack, boolean]>)('%s over %j: %s', (_name, ack, other, expected) => {
    expect(supersedes(ack, other)).toBe(expected);
  });

  it('agrees with acknowledges: whatever the superseded ack confirms, the other confirms too', () => {
    const acks: Ack[] = [startedAck(), startedAck(2), outputAck(0), outputAck(5), finishAck(), finishAck(2)];
    const reports: Report[] = [started, output(0), output(5), output(6), finished, { ...started, run: 2 }, output(1, 2)];
    for (const ack of acks) {
      for (const other of acks) {
        if (!supersedes(ack, other)) continue;
        for (const report of reports) if (acknowledges(other, report)) expect(acknowledges(ack, report), `${JSON.stringify(ack)} over ${JSON.stringify(other)} on ${JSON.stringify(report)}`).toBe(true);
      }
    }
  });
});
