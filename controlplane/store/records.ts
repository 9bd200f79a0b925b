import type { MachineFacts, TerminationMode } from '../../shared/protocol.js';
import type { Tag } from '../domain/tag.js';

/** Per-instance InvocationStatus (spec §7.1). */
export const INSTANCE_STATUSES = [
  'Pending', 'Scheduled', 'Running', 'Stopping', 'Success', 'Failed', 'Invalid', 'Aborted',
  'Error', 'Timeout', 'Cancelled', 'Terminated',
] as const;
export type InstanceInvocationStatus = (typeof INSTANCE_STATUSES)[number];

export const COMMAND_TYPES = ['RunShellScript', 'RunBatScript', 'RunPowerShellScript'] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

export const REPEAT_MODES = ['Once', 'Period', 'NextRebootOnly', 'EveryReboot', 'DryRun'] as const;
export type RepeatMode = (typeof REPEAT_MODES)[number];

/** Times are API-formatted UTC strings (`yyyy-MM-ddTHH:mm:ssZ`), "" when unset. */
export interface CommandRecord {
  commandId: string;
  regionId: string;
  name: string;
  description: string;
  type: CommandType;
  /** Base64 of the script bytes. */
  content: string;
  workingDir: string;
  timeout: number;
  enableParameter: boolean;
  launcher: string;
  parameterNames: string[];
  creationTime: string;
  resourceGroupId: string;
  tags: Tag[];
  /** false for a RunCommand with KeepCommand=false: not listed, not invocable by ID. */
  kept: boolean;
  invokeTimes: number;
}

export interface InvocationRecord {
  invokeId: string;
  regionId: string;
  commandId: string;
  commandName: string;
  commandType: CommandType;
  commandDescription: string;
  /** Base64 of the command content as created (placeholders not substituted). */
  commandContent: string;
  enableParameter: boolean;
  parameters: Record<string, string>;
  repeatMode: RepeatMode;
  frequency: string;
  timeout: number;
  workingDir: string;
  username: string;
  containerId: string;
  containerName: string;
  terminationMode: TerminationMode;
  launcher: string;
  creationTime: string;
  resourceGroupId: string;
  tags: Tag[];
  instanceIds: string[];
  /** OssOutputDelivery as the call gave it (echoed; casim uploads nothing). Absent in old records: "". */
  ossOutputDelivery?: string;
}

/** One instance's execution of an invocation (the row behind InvokeInstance / InvocationResult). */
export interface InstanceRunRecord {
  invokeId: string;
  instanceId: string;
  run: number;
  status: InstanceInvocationStatus;
  errorCode: string;
  errorInfo: string;
  exitCode: number | null;
  /** Base64 of the retained output bytes. */
  output: string;
  dropped: number;
  creationTime: string;
  startTime: string;
  finishTime: string;
  updateTime: string;
  stopTime: string;
  repeats: number;
  /** Repeating tasks: when the next run is due ("" = not scheduled by time). */
  nextRunTime?: string;
  /** When the agent acknowledged this run's task ("" or absent = not yet). */
  deliveredTime?: string;
  /** The next live-output chunk expected from the agent (chunks before it are in `output`). */
  outputSeq?: number;
}

export type InstanceKind = 'ecs' | 'managed';

/** ECS instance Status (DescribeInstances); managed instances are always Running. */
export const INSTANCE_LIFECYCLE_STATUSES = ['Pending', 'Starting', 'Running', 'Stopping', 'Stopped'] as const;
export type InstanceLifecycleStatus = (typeof INSTANCE_LIFECYCLE_STATUSES)[number];

export interface InstanceRecord {
  instanceId: string;
  kind: InstanceKind;
  regionId: string;
  name: string;
  hostname: string;
  /** sha256 hex of the agent secret. */
  secretHash: string;
  osType: 'Linux';
  agentVersion: string;
  activationId: string;
  registrationTime: string;
  /**
   * Invocations on the instance whose runs retention purged, and the newest of their times: the
   * listed InvocationCount and LastInvokedTime add what the kept runs say (InstanceQueries.runStats).
   */
  purgedInvocationCount: number;
  purgedLastInvokedTime: string;
  /** Docker container ID of a fleet instance, "" otherwise. */
  containerId: string;
  imageId: string;
  tags: Tag[];
  deregistered: boolean;
  /** Absent in records written before lifecycle support: Running. */
  status?: InstanceLifecycleStatus;
  /** The instance's IANA time zone as its agent reports it (default UTC). */
  timeZone?: string;
  /** What the agent read of its machine (OS version, IP addresses, CPU, memory). */
  machine?: MachineFacts;
  /** Its resource group ("" or absent: the default group, instances/resource-groups.ts). */
  resourceGroupId?: string;
}

export interface ActivationRecord {
  activationId: string;
  regionId: string;
  /** sha256 hex of the activation code (the code itself is returned once). */
  codeHash: string;
  description: string;
  instanceName: string;
  instanceCount: number;
  registeredCount: number;
  deregisteredCount: number;
  ipAddressRange: string;
  timeToLiveInHours: number;
  disabled: boolean;
  creationTime: string;
  resourceGroupId: string;
  tags: Tag[];
}

/** SendFile's ContentType (spec §14.1). */
export const FILE_CONTENT_TYPES = ['PlainText', 'Base64'] as const;
export type FileContentType = (typeof FILE_CONTENT_TYPES)[number];

/** Per-instance InvocationStatus of a SendFile (spec §14.2). */
export const FILE_INSTANCE_STATUSES = ['Pending', 'Invalid', 'Running', 'Aborted', 'Success', 'Failed', 'Error', 'Timeout'] as const;
export type FileInstanceStatus = (typeof FILE_INSTANCE_STATUSES)[number];

/** One SendFile call (an `f-…` InvokeId). */
export interface FileInvocationRecord {
  invokeId: string;
  regionId: string;
  name: string;
  description: string;
  /** As the caller gave it, in `contentType`. */
  content: string;
  contentType: FileContentType;
  fileOwner: string;
  fileGroup: string;
  fileMode: string;
  targetDir: string;
  overwrite: boolean;
  timeout: number;
  creationTime: string;
  resourceGroupId: string;
  tags: Tag[];
  instanceIds: string[];
}

/** One instance's part of a SendFile (the row behind InvokeInstance). */
export interface FileDeliveryRecord {
  invokeId: string;
  instanceId: string;
  status: FileInstanceStatus;
  errorCode: string;
  errorInfo: string;
  creationTime: string;
  startTime: string;
  finishTime: string;
  updateTime: string;
}

/** The first answer to a call made with a ClientToken (api/idempotency.ts), kept for its retries. */
export interface ClientTokenRecord {
  /** `accessKeyId|action|token` */
  key: string;
  /** A digest of the call's own parameters. */
  fingerprint: string;
  /** The response body that was returned. */
  body: Record<string, unknown>;
  creationTime: string;
}
