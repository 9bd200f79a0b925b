import type { FileFailureReason, FileOutcome } from '../../shared/protocol.js';

/**
 * SendFile results of the real agent (spec/real-agent-protocol.md §4.3) as casim's file
 * outcomes. `finish` carries `status` and the agent's error code (0 ok, 1 create, 2 chown,
 * 3 chmod, 4 mkdir); `invalid` carries the check that failed. Pure.
 */
const FINISH_CODES: Readonly<Record<number, FileFailureReason>> = { 1: 'create-failed', 2: 'authority-failed', 3: 'authority-failed', 4: 'path-invalid' };

const INVALID_PARAMS: Readonly<Record<string, FileFailureReason>> = {
  FileNameInvalid: 'name-invalid',
  FileExist: 'file-exists',
  EmptyFile: 'create-failed',
  InvalidFileContent: 'create-failed',
  InvalidSignature: 'create-failed',
  InvalidFileMode: 'mode-invalid',
  FileGroupNotExist: 'group-not-exists',
  FileOwnerNotExist: 'owner-not-exists',
};

export function fileFinishOutcome(status: 'Success' | 'Failed', errorCode: number): FileOutcome {
  if (status === 'Success') return { kind: 'written' };
  return { kind: 'failed', reason: FINISH_CODES[errorCode] ?? 'create-failed', detail: `the agent failed to write the file (error code ${errorCode})` };
}

export function fileInvalidOutcome(param: string, value: string): FileOutcome {
  return { kind: 'failed', reason: Object.hasOwn(INVALID_PARAMS, param) ? INVALID_PARAMS[param]! : 'create-failed', detail: `${param}: ${value}`.slice(0, 4096) };
}
