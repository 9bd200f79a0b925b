import { describe, expect, it } from 'vitest';
import { WrittenRows, type WrittenRow } from '../../controlplane/store/written-rows.js';

type Run = { id: string; status: string };
const row = (id: string, status: string, seq = 1): WrittenRow<Run> => ({ record: { id, status }, stored: { seq, label: '', status } });
const live = (r: Run): boolean => r.status !== 'Success';

type Step = ['wrote', string, string | null, boolean] | ['commit'] | ['clear'];

describe('rows kept as this store wrote them', () => {
  it.each<[string, Step[], Record<string, string | undefined>]>([
    ['a write outside a transaction is kept at once', [['wrote', 'a', 'Pending', false]], { a: 'Pending' }],
    ['a write in a transaction is served to it before the commit', [['wrote', 'a', 'Pending', true]], { a: 'Pending' }],
    ['the transaction’s newest write wins', [['wrote', 'a', 'Pending', false], ['wrote', 'a', 'Running', true]], { a: 'Running' }],
    ['a commit keeps what the transaction wrote', [['wrote', 'a', 'Pending', true], ['commit']], { a: 'Pending' }],
    ['a rollback forgets the transaction’s writes and what was kept before', [['wrote', 'b', 'Pending', false], ['wrote', 'a', 'Running', true], ['clear']], { a: undefined, b: undefined }],
    ['a row that left the predicate (finished) is not kept after its commit', [['wrote', 'a', 'Running', false], ['wrote', 'a', 'Success', true], ['commit']], { a: undefined }],
    ['a finished row written outside a transaction drops the kept one', [['wrote', 'a', 'Running', false], ['wrote', 'a', 'Success', false]], { a: undefined }],
    ['a delete in a transaction hides the row from it, and from everyone after the commit', [['wrote', 'a', 'Running', false], ['wrote', 'a', null, true]], { a: undefined }],
    ['a committed delete', [['wrote', 'a', 'Running', false], ['wrote', 'a', null, true], ['commit']], { a: undefined }],
  ])('%s', (_name, steps, expected) => {
    const rows = new WrittenRows<Run>(live, 10);
    for (const step of steps) {
      if (step[0] === 'wrote') rows.wrote(step[1], step[2] === null ? null : row(step[1], step[2]), step[3]);
      else if (step[0] === 'commit') rows.commit();
      else rows.clear();
    }
    for (const [id, status] of Object.entries(expected)) expect(rows.get(id)?.record.status).toBe(status);
  });

  it('keeps at most `max` rows, dropping the least recently written', () => {
    const rows = new WrittenRows<Run>(live, 3);
    for (const id of ['a', 'b', 'c']) rows.wrote(id, row(id, 'Pending'), false);
    rows.wrote('a', row('a', 'Running'), false); // written again: now the newest
    rows.wrote('d', row('d', 'Pending'), false);
    expect(rows.size).toBe(3);
    expect(rows.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => rows.get(id)?.record.status)).toEqual(['Running', 'Pending', 'Pending']);
  });
});
