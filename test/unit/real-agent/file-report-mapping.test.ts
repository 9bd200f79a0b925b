import { describe, expect, it } from 'vitest';
import { fileFinishOutcome, fileInvalidOutcome } from '../../../controlplane/real-agent/file-report-mapping.js';

describe('SendFile reports of the real agent (spec §4.3)', () => {
  it.each([
    ['Success', 0, 'written'],
    ['Failed', 1, 'create-failed'],
    ['Failed', 2, 'authority-failed'],
    ['Failed', 3, 'authority-failed'],
    ['Failed', 4, 'path-invalid'],
    ['Failed', 99, 'create-failed'],
  ] as const)('finish status=%s errorcode=%d → %s', (status, code, expected) => {
    const outcome = fileFinishOutcome(status, code);
    expect(outcome.kind === 'written' ? 'written' : outcome.reason).toBe(expected);
  });

  it.each([
    ['FileExist', 'file-exists'],
    ['FileOwnerNotExist', 'owner-not-exists'],
    ['FileGroupNotExist', 'group-not-exists'],
    ['FileNameInvalid', 'name-invalid'],
    ['InvalidFileMode', 'mode-invalid'],
    ['InvalidSignature', 'create-failed'],
    ['toString', 'create-failed'],
  ])('invalid param=%s → %s', (param, reason) => {
    expect(fileInvalidOutcome(param, 'v')).toMatchObject({ kind: 'failed', reason, detail: `${param}: v` });
  });
});
