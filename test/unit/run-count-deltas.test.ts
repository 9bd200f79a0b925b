import { describe, expect, it } from 'vitest';
import { RunCountDeltas } from '../../controlplane/store/run-count-deltas.js';
import type { InstanceInvocationStatus } from '../../controlplane/store/records.js';

type Change = [invokeId: string, before: InstanceInvocationStatus | undefined, after: InstanceInvocationStatus | undefined];

describe('RunCountDeltas (the run counts changed in a transaction, summed)', () => {
  const cases: Array<[string, Change[], ReturnType<RunCountDeltas['drain']>]> = [
    ['nothing', [], []],
    ['100 runs added Pending: one counter +100', Array.from({ length: 100 }, (): Change => ['t-1', undefined, 'Pending']), [{ invokeId: 't-1', rows: 100, statuses: [['Pending', 100]] }]],
    ['added then started then finished: only the final status remains', [['t-1', undefined, 'Pending'], ['t-1', 'Pending', 'Running'], ['t-1', 'Running', 'Success']], [{ invokeId: 't-1', rows: 1, statuses: [['Success', 1]] }]],
    ['moves that cancel out leave nothing', [['t-1', 'Running', 'Success'], ['t-1', 'Success', 'Running']], []],
    ['a status that stays is no change', [['t-1', 'Running', 'Running']], []],
    ['a deleted run', [['t-1', 'Failed', undefined]], [{ invokeId: 't-1', rows: -1, statuses: [['Failed', -1]] }]],
    [
      'two invocations kept apart',
      [['t-1', 'Pending', 'Running'], ['t-2', 'Pending', 'Running'], ['t-2', 'Pending', 'Running']],
      [{ invokeId: 't-1', rows: 0, statuses: [['Pending', -1], ['Running', 1]] }, { invokeId: 't-2', rows: 0, statuses: [['Pending', -2], ['Running', 2]] }],
    ],
  ];
  it.each(cases)('%s', (_name, changes, expected) => {
    const deltas = new RunCountDeltas();
    for (const [id, before, after] of changes) deltas.change(id, before, after);
    expect(deltas.drain()).toEqual(expected);
    expect(deltas.isEmpty()).toBe(true);
  });

  it('rolls back to a mark: the changes after it are gone, the ones before it stay', () => {
    const deltas = new RunCountDeltas();
    const empty = deltas.mark();
    deltas.change('t-1', undefined, 'Pending');
    const one = deltas.mark();
    deltas.change('t-1', undefined, 'Pending');
    deltas.change('t-2', 'Pending', 'Running');
    deltas.rollbackTo(one);
    expect(deltas.drain()).toEqual([{ invokeId: 't-1', rows: 1, statuses: [['Pending', 1]] }]);
    deltas.change('t-3', undefined, 'Running');
    deltas.rollbackTo(empty);
    expect(deltas.isEmpty()).toBe(true);
  });

  it('a mark is a copy: later changes do not reach it', () => {
    const deltas = new RunCountDeltas();
    deltas.change('t-1', undefined, 'Pending');
    const mark = deltas.mark();
    deltas.change('t-1', 'Pending', 'Running');
    deltas.rollbackTo(mark);
    deltas.change('t-1', undefined, 'Pending');
    expect(deltas.drain()).toEqual([{ invokeId: 't-1', rows: 2, statuses: [['Pending', 2]] }]);
  });
});
