import type { TaskOutcome } from '../../shared/protocol.js';
import type { InstanceInvocationStatus } from '../store/records.js';

/** Per-instance ErrorCode → ErrorInfo (spec §7.4). */
export const INSTANCE_ERROR_INFO = {
  InstanceNotExists: 'the specified instance does not exists',
  InstanceReleased: 'the instance has released when create task',
  InstanceNotRunning: 'the instance is not running when create task',
  CommandNotApplicable: 'the command is not applicable',
  AccountNotExists: 'the specified account does not exists',
  DirectoryNotExists: 'the specified directory does not exists',
  BadCronExpression: 'the cron job expression is invalid',
  ClientNotRunning: 'the aliyun service is not running on the instance',
  ClientNotResponse: 'the aliyun service in the instance does not response',
  ClientIsUpgrading: 'the aliyun service in the instance is upgrading now',
  ClientNeedUpgrade: 'the aliyun service in the instance need upgrade',
  DeliveryTimeout: 'the command delivery has been timeout',
  ExecutionTimeout: 'the command execution has been timeout',
  ExecutionException: 'the command execution got an exception',
  ExecutionInterrupted: 'the command execution has been interrupted',
  ExitCodeNonzero: 'the command execution exit code is not zero',
  InvalidEnvironmentParameter: 'the environment parameter is invalid',
  // Container tasks: no public codes are documented; these are the agent's own error names
  // (spec/reference-agent.md §1.9, taskerrors/container.go) with its messages.
  ContainerNotFound: 'the specified container does not exist',
  ContainerStateAbnormal: 'the state of the specified container is abnormal',
  ContainerNameAndIdNotMatch: 'the container with the specified ID does not have the specified name',
  ContainerConnectFailed: 'unable to connect to the container to invoke the command',
  ContainerRuntimeInternalError: 'the container runtime got an internal error',
} as const;
export type InstanceErrorCode = keyof typeof INSTANCE_ERROR_INFO;

export interface RunResultStatus {
  status: InstanceInvocationStatus;
  errorCode: InstanceErrorCode | '';
  errorInfo: string;
  exitCode: number | null;
}

function withError(status: InstanceInvocationStatus, code: InstanceErrorCode, exitCode: number | null): RunResultStatus {
  return { status, errorCode: code, errorInfo: INSTANCE_ERROR_INFO[code], exitCode };
}

/** An unknown `{{ACS::name}}` built-in: the real agent refuses the task (spec §17.2). */
export function unknownBuiltInStatus(name: string): RunResultStatus {
  return { status: 'Invalid', errorCode: 'InvalidEnvironmentParameter', errorInfo: `the environment parameter {{ACS::${name}}} is invalid`, exitCode: null };
}

/** Exit code reported for a timed-out run: the real agent's placeholder (reference-agent §1.9). */
export const TIMEOUT_EXIT_CODE = 1;
/** Exit code reported for a run killed by StopInvocation (SIGKILL). */
export const KILLED_EXIT_CODE = 137;

/** Maps the agent's raw fact to the public per-instance status (spec §7, §20). Pure. */
export function statusOfOutcome(outcome: TaskOutcome): RunResultStatus {
  switch (outcome.kind) {
    case 'exited':
      return outcome.exitCode === 0
        ? { status: 'Success', errorCode: '', errorInfo: '', exitCode: 0 }
        : withError('Failed', 'ExitCodeNonzero', outcome.exitCode);
    case 'timed-out':
      return withError('Timeout', 'ExecutionTimeout', TIMEOUT_EXIT_CODE);
    case 'checks-passed':
      return { status: 'Success', errorCode: '', errorInfo: '', exitCode: 0 };
    case 'interrupted':
      return withError('Error', 'ExecutionInterrupted', null);
    case 'killed':
      return { status: 'Terminated', errorCode: '', errorInfo: '', exitCode: KILLED_EXIT_CODE };
    case 'not-started':
      switch (outcome.reason) {
        case 'account-not-exists':
          return withError('Invalid', 'AccountNotExists', null);
        case 'directory-not-exists':
          return withError('Invalid', 'DirectoryNotExists', null);
        case 'exception':
          return withError('Error', 'ExecutionException', null);
        // The agent reports the container checks as task/invalid and runtime failures as task/error.
        case 'container-not-found':
          return withError('Invalid', 'ContainerNotFound', null);
        case 'container-not-running':
          return withError('Invalid', 'ContainerStateAbnormal', null);
        case 'container-mismatch':
          return withError('Invalid', 'ContainerNameAndIdNotMatch', null);
        case 'container-connect-failed':
          return withError('Invalid', 'ContainerConnectFailed', null);
        case 'container-runtime-error':
          return withError('Error', 'ContainerRuntimeInternalError', null);
      }
  }
}
