import { describe, expect, it } from 'vitest';
import { statusOfOutcome } from '../../controlplane/invocations/outcome-status.js';
import type { TaskOutcome } from '../../shared/protocol.js';

describe('statusOfOutcome (spec §7.1, §7.4, §20)', () => {
  const cases: Array<[TaskOutcome, string, string, number | null]> = [
    [{ kind: 'exited', exitCode: 0 }, 'Success', '', 0],
    [{ kind: 'exited', exitCode: 3 }, 'Failed', 'ExitCodeNonzero', 3],
    [{ kind: 'exited', exitCode: -1 }, 'Failed', 'ExitCodeNonzero', -1],
    [{ kind: 'timed-out' }, 'Timeout', 'ExecutionTimeout', 1],
    [{ kind: 'killed' }, 'Terminated', '', 137],
    [{ kind: 'not-started', reason: 'account-not-exists', detail: '' }, 'Invalid', 'AccountNotExists', null],
    [{ kind: 'not-started', reason: 'directory-not-exists', detail: '' }, 'Invalid', 'DirectoryNotExists', null],
    [{ kind: 'not-started', reason: 'exception', detail: 'spawn failed' }, 'Error', 'ExecutionException', null],
    [{ kind: 'not-started', reason: 'container-not-found', detail: '' }, 'Invalid', 'ContainerNotFound', null],
    [{ kind: 'not-started', reason: 'container-not-running', detail: '' }, 'Invalid', 'ContainerStateAbnormal', null],
    [{ kind: 'not-started', reason: 'container-mismatch', detail: '' }, 'Invalid', 'ContainerNameAndIdNotMatch', null],
    [{ kind: 'not-started', reason: 'container-connect-failed', detail: '' }, 'Invalid', 'ContainerConnectFailed', null],
    [{ kind: 'not-started', reason: 'container-runtime-error', detail: '' }, 'Error', 'ContainerRuntimeInternalError', null],
  ];
  it.each(cases)('maps %j to %s / %s', (outcome, status, errorCode, exitCode) => {
    const result = statusOfOutcome(outcome);
    expect(result).toMatchObject({ status, errorCode, exitCode });
    expect(result.errorInfo === '').toBe(errorCode === '');
  });
});
