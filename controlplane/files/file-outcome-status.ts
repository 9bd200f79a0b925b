import type { FileOutcome } from '../../shared/protocol.js';
import type { FileInstanceStatus } from '../store/records.js';

/** SendFile's per-instance ErrorCode → ErrorInfo (spec §14.2, the documented strings). */
export const FILE_ERROR_INFO = {
  InstanceNotExists: 'the specified instance does not exists',
  InstanceReleased: 'the specified instance has been released',
  InstanceNotRunning: 'the instance is not running when create task',
  AccountNotExists: 'the specified account does not exists',
  ClientNotRunning: 'the aliyun service is not running on the instance',
  ClientNotResponse: 'the aliyun service in the instance does not response',
  ClientIsUpgrading: 'the aliyun service in the instance is upgrading now',
  ClientNeedUpgrade: 'the aliyun service in the instance need upgrade',
  DeliveryTimeout: 'the command delivery has been timeout',
  FileCreateFail: 'the file creation is failed due to unknown error',
  FileAlreadyExists: 'File already exists',
  FileContentInvalid: 'the content of file is invalid',
  FileNameInvalid: 'File name is invalid',
  FilePathInvalid: 'File path is invalid',
  FileAuthorityInvalid: 'the authority of file is invalid',
  UserGroupNotExists: 'Owner not exists',
} as const;
export type FileErrorCode = keyof typeof FILE_ERROR_INFO;

export interface FileResultStatus {
  status: FileInstanceStatus;
  errorCode: FileErrorCode | '';
  errorInfo: string;
}

const result = (status: FileInstanceStatus, errorCode: FileErrorCode, errorInfo: string = FILE_ERROR_INFO[errorCode]): FileResultStatus => ({
  status,
  errorCode,
  errorInfo,
});

/**
 * Maps the agent's raw fact to the public per-instance status (spec §14.2). Pure. What makes the
 * request itself unusable on that instance (name, path, mode, owner, group) is Invalid, as a
 * missing user or directory is for a run; a file that could not be created is Failed.
 */
export function statusOfFileOutcome(outcome: FileOutcome): FileResultStatus {
  if (outcome.kind === 'written') return { status: 'Success', errorCode: '', errorInfo: '' };
  switch (outcome.reason) {
    case 'name-invalid':
      return result('Invalid', 'FileNameInvalid');
    case 'path-invalid':
      return result('Invalid', 'FilePathInvalid');
    case 'mode-invalid':
      return result('Invalid', 'FileAuthorityInvalid', 'Mode is invalid');
    case 'owner-not-exists':
      return result('Invalid', 'UserGroupNotExists', 'Owner not exists');
    case 'group-not-exists':
      return result('Invalid', 'UserGroupNotExists', 'Group not exists');
    case 'file-exists':
      return result('Failed', 'FileAlreadyExists');
    case 'authority-failed':
      return result('Failed', 'FileAuthorityInvalid');
    case 'create-failed':
      return result('Failed', 'FileCreateFail');
  }
}

/** Not delivered within the window: Aborted, ClientNotRunning when the agent is offline, else DeliveryTimeout. */
export function undeliveredFileStatus(agentConnected: boolean): FileResultStatus {
  return result('Aborted', agentConnected ? 'DeliveryTimeout' : 'ClientNotRunning');
}

/** The instance was stopped when the file was sent (spec §14.2 InstanceNotRunning). */
export function instanceNotRunningStatus(): FileResultStatus {
  return result('Aborted', 'InstanceNotRunning');
}
