import { TERMINATION_MODES } from '../../shared/protocol.js';
import { COMMAND_TYPES, FILE_CONTENT_TYPES, REPEAT_MODES } from '../store/records.js';
import { RESOURCE_TAG_ERRORS, type ParamSpec, type ParamSpecs } from './param-spec.js';
import { REGION_IDS } from './regions.js';

/**
 * Every Action the API serves, with its parameters: types, limits, defaults and the exact
 * error each violation gives (spec §1–§15). Parameters not declared here are ignored, as
 * the real service ignores unknown parameters.
 */

export const MAX_TIMEOUT_SECONDS = 86_400; // spec Decisions §4
export { MIN_TIMEOUT_SECONDS } from '../domain/task-limits.js';
import { MIN_TIMEOUT_SECONDS } from '../domain/task-limits.js';

const regionId: ParamSpec = { kind: 'string', required: true, oneOf: [REGION_IDS, 'InvalidRegionId.NotFound'] };
const timeout: ParamSpec = {
  kind: 'integer',
  min: [MIN_TIMEOUT_SECONDS, 'invalid'],
  max: [MAX_TIMEOUT_SECONDS, 'InvalidTimeout.ExceedLimit'],
};
const workingDir: ParamSpec = { kind: 'string', maxLength: [200, 'InvalidParameter.WorkingDir'] };
const launcher: ParamSpec = { kind: 'string', maxLength: [1024, 'InvalidLauncher.LengthLimitExceeded'] };
const tags: ParamSpec = { kind: 'tags', maxItems: 20 };
const clientToken: ParamSpec = {
  kind: 'string',
  maxLength: [64, 'InvalidClientToken.Malformed'],
  pattern: [/^[\x20-\x7e]+$/, 'InvalidClientToken.Malformed'],
};
const containerId: ParamSpec = {
  kind: 'string',
  pattern: [/^((docker|containerd|cri-o):\/\/)?[0-9a-f]{64}$/, 'InvalidContainerId.Malformed'],
};
const containerName: ParamSpec = {
  kind: 'string',
  pattern: [/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'InvalidContainerName.Malformed'],
};
const paging = {
  MaxResults: { kind: 'integer', min: [1, 'InvalidParameter.MaxResults'], max: [50, 'InvalidParameter.MaxResults'] },
  NextToken: { kind: 'string' },
  PageNumber: { kind: 'integer', min: [1, 'InvalidParam.PageNumber'] },
  PageSize: { kind: 'integer', min: [1, 'InvalidParam.PageSize'], max: [50, 'InvalidParam.PageSize'] },
} as const satisfies ParamSpecs;
const instanceBatch: ParamSpec = { kind: 'list', required: 'MissingParam.InstanceId', maxItems: [100, 'InstanceIds.ExceedLimit'] };
const contentEncoding: ParamSpec = { kind: 'string' }; // invalid values fall back per operation

const commandDefinition = {
  Name: { kind: 'string', required: true, maxLength: [128, 'CmdName.ExceedLimit'] },
  Description: { kind: 'string', maxLength: [512, 'CmdDesc.ExceedLimit'] },
  Type: { kind: 'string', required: true, oneOf: [COMMAND_TYPES, 'InvalidCmdType.NotFound'] },
  CommandContent: { kind: 'string', required: true },
  ContentEncoding: contentEncoding,
  WorkingDir: workingDir,
  Timeout: timeout,
  EnableParameter: { kind: 'boolean' },
  Launcher: launcher,
  ResourceGroupId: { kind: 'string' },
  Tag: tags,
  ClientToken: clientToken,
} as const satisfies ParamSpecs;

const invocationOptions = {
  // InstanceId.N or ResourceTag.N: one of the two is needed, and at most the configured
  // instances per call (quota, default 100): checked by the handler.
  InstanceId: { kind: 'list' },
  ResourceTag: { kind: 'tags', maxItems: 20, codes: RESOURCE_TAG_ERRORS },
  RepeatMode: { kind: 'string', oneOf: [REPEAT_MODES, 'InvalidRepeatMode.NotFound'] },
  Frequency: { kind: 'string' },
  Timed: { kind: 'boolean' },
  Parameters: { kind: 'json-object', invalid: 'InvalidParameter.Parameters', duplicateKey: 'ParameterKey.Duplicate' },
  Username: { kind: 'string', maxLength: [255, 'Username.ExceedLimit'] },
  WindowsPasswordName: { kind: 'string', maxLength: [255, 'WindowsPasswordName.ExceedLimit'] },
  Timeout: timeout,
  WorkingDir: workingDir,
  ContainerId: containerId,
  ContainerName: containerName,
  TerminationMode: { kind: 'string', oneOf: [TERMINATION_MODES, 'InvalidTerminationMode.NotFound'] },
  Launcher: launcher,
  OssOutputDelivery: { kind: 'string' },
  ResourceGroupId: { kind: 'string' },
  Tag: tags,
  ClientToken: clientToken,
} as const satisfies ParamSpecs;

export const CATALOG = {
  // `TimeOut`: the older docs' spelling (seed 004), taken as well; `Timeout` wins when both are sent.
  CreateCommand: { RegionId: regionId, ...commandDefinition, TimeOut: timeout },
  DescribeCommands: {
    RegionId: regionId,
    CommandId: { kind: 'string' },
    Name: { kind: 'string' },
    Description: { kind: 'string' },
    Type: { kind: 'string' },
    Provider: { kind: 'string' },
    Latest: { kind: 'boolean' },
    ContentEncoding: contentEncoding,
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ...paging,
  },
  ModifyCommand: {
    RegionId: regionId,
    CommandId: { kind: 'string', required: true },
    Name: { kind: 'string', maxLength: [128, 'CmdName.ExceedLimit'] },
    Description: { kind: 'string', maxLength: [512, 'CmdDesc.ExceedLimit'] },
    WorkingDir: workingDir,
    Timeout: timeout,
    Launcher: launcher,
    CommandContent: { kind: 'string' }, // deprecated: accepted, no effect (spec §10)
  },
  DeleteCommand: { RegionId: regionId, CommandId: { kind: 'string', required: true } },
  InvokeCommand: {
    RegionId: regionId,
    CommandId: { kind: 'string', required: true },
    ...invocationOptions,
    // InvokeCommand takes 1–10 ResourceTag.N, RunCommand up to 20 (spec §1.9).
    ResourceTag: { kind: 'tags', maxItems: 10, codes: RESOURCE_TAG_ERRORS },
  },
  RunCommand: {
    RegionId: regionId,
    ...commandDefinition,
    Name: { kind: 'string', maxLength: [128, 'CmdName.ExceedLimit'] },
    KeepCommand: { kind: 'boolean' },
    ...invocationOptions,
  },
  StopInvocation: {
    RegionId: regionId,
    InvokeId: { kind: 'string', required: true },
    InstanceId: { kind: 'list', maxItems: [50, 'InstanceIds.ExceedLimit'] },
  },
  ModifyInvocationAttribute: {
    RegionId: regionId,
    InvokeId: { kind: 'string', required: true },
    CommandContent: { kind: 'string' },
    ContentEncoding: contentEncoding,
    EnableParameter: { kind: 'boolean' },
    Parameters: { kind: 'json-object', invalid: 'InvalidParameter.Parameters', duplicateKey: 'ParameterKey.Duplicate' },
    Frequency: { kind: 'string' },
    InstanceId: { kind: 'list', maxItems: [100, 'InstanceIds.ExceedLimit'] },
    ClientToken: clientToken,
  },
  DescribeInvocations: {
    RegionId: regionId,
    InvokeId: { kind: 'string' },
    CommandId: { kind: 'string' },
    CommandName: { kind: 'string' },
    CommandType: { kind: 'string' },
    InstanceId: { kind: 'string' },
    InvokeStatus: { kind: 'string' },
    RepeatMode: { kind: 'string' },
    Timed: { kind: 'boolean' },
    ContentEncoding: contentEncoding,
    IncludeOutput: { kind: 'boolean' },
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ...paging,
  },
  DescribeInvocationResults: {
    RegionId: regionId,
    InvokeId: { kind: 'string' },
    InstanceId: { kind: 'string' },
    CommandId: { kind: 'string' },
    InvokeRecordStatus: { kind: 'string' },
    IncludeHistory: { kind: 'boolean' },
    ContentEncoding: contentEncoding,
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ...paging,
  },
  SendFile: {
    RegionId: regionId,
    InstanceId: { kind: 'list', required: 'MissingParam.InstanceId', maxItems: [50, 'InstanceIds.ExceedLimit'] },
    Name: { kind: 'string', required: true, maxLength: [255, 'FileName.ExceedLimit'] },
    TargetDir: { kind: 'string', required: true, maxLength: [255, 'FileTargetDir.Invalid'], pattern: [/^\//, 'FileTargetDir.Invalid'] },
    Content: { kind: 'string', required: true }, // decoded and size-checked by the handler
    ContentType: { kind: 'string', oneOf: [FILE_CONTENT_TYPES, 'FileContentType.Invalid'], caseInsensitive: true },
    Description: { kind: 'string', maxLength: [512, 'FileDesc.ExceedLimit'] },
    // A name that /etc/passwd or /etc/group could hold: no ':', '/', whitespace or control characters.
    FileOwner: { kind: 'string', maxLength: [64, 'InvalidParameter.FileOwner'], pattern: [/^[^:/\s\x00-\x1f]+$/, 'InvalidParameter.FileOwner'] },
    FileGroup: { kind: 'string', maxLength: [64, 'InvalidParameter.FileGroup'], pattern: [/^[^:/\s\x00-\x1f]+$/, 'InvalidParameter.FileGroup'] },
    FileMode: { kind: 'string', pattern: [/^[0-7]{1,4}$/, 'FileMode.Invalid'] },
    Overwrite: { kind: 'boolean' },
    // Below 10 s is raised to 10 s, not refused (spec §14.1).
    Timeout: { kind: 'integer', max: [MAX_TIMEOUT_SECONDS, 'InvalidTimeout.ExceedLimit'] },
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ClientToken: clientToken,
  },
  DescribeSendFileResults: {
    RegionId: regionId,
    InvokeId: { kind: 'string' },
    InstanceId: { kind: 'string' },
    Name: { kind: 'string' },
    InvocationStatus: { kind: 'string' },
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ...paging,
  },
  DescribeCloudAssistantStatus: {
    RegionId: regionId,
    InstanceId: { kind: 'list', maxItems: [100, 'InstanceIds.ExceedLimit'] },
    OSType: { kind: 'string' },
    ...paging,
  },
  CreateActivation: {
    RegionId: regionId,
    Description: { kind: 'string', maxLength: [100, 'ActivationDesc.ExceedLimit'] },
    InstanceCount: { kind: 'integer', min: [1, 'ActivationLimitation.Invalid'], max: [1000, 'ActivationLimitation.Invalid'] },
    InstanceName: {
      kind: 'string',
      maxLength: [50, 'InstanceName.ExceedLimit'],
      pattern: [/^(?!https?:\/\/)[A-Za-z][A-Za-z0-9._:-]{1,49}$/, 'InstanceName.InvalidPattern'],
    },
    IpAddressRange: {
      kind: 'string',
      pattern: [/^((\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?|[0-9a-fA-F:]+(\/\d{1,3})?)$/, 'AddressRange.InvalidPattern'],
    },
    TimeToLiveInHours: { kind: 'integer', min: [1, 'ActivationTTL.ExceedLimit'], max: [4, 'ActivationTTL.ExceedLimit'] },
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ClientToken: clientToken,
  },
  DescribeActivations: {
    RegionId: regionId,
    ActivationId: { kind: 'string' },
    InstanceName: { kind: 'string' },
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ...paging,
  },
  DisableActivation: { RegionId: regionId, ActivationId: { kind: 'string', required: true } },
  DeleteActivation: { RegionId: regionId, ActivationId: { kind: 'string', required: true } },
  ModifyManagedInstance: {
    RegionId: regionId,
    InstanceId: { kind: 'string', required: true },
    InstanceName: { kind: 'string', maxLength: [128, 'InstanceName.ExceedLimit'] },
  },
  DeregisterManagedInstance: { RegionId: regionId, InstanceId: { kind: 'string', required: true }, ClientToken: clientToken },
  DescribeRegions: { RegionId: { kind: 'string' }, AcceptLanguage: { kind: 'string' } },
  DescribeManagedInstances: {
    RegionId: regionId,
    InstanceId: { kind: 'list', maxItems: [50, 'InstanceIds.ExceedLimit'] },
    InstanceName: { kind: 'string' },
    InstanceIp: { kind: 'string' },
    ActivationId: { kind: 'string' },
    OsType: { kind: 'string' },
    Connected: { kind: 'string' },
    MachineId: { kind: 'string' },
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ...paging,
  },
  // Minimal ECS instance operations behind `casim fleet` (Docker-backed instances).
  RunInstances: {
    RegionId: regionId,
    ImageId: { kind: 'string' },
    Amount: { kind: 'integer', min: [1, 'invalid'], max: [100, 'invalid'] },
    InstanceName: { kind: 'string', maxLength: [128, 'InvalidParameter'] },
    ResourceGroupId: { kind: 'string' },
    Tag: tags,
    ClientToken: clientToken,
  },
  DescribeInstances: {
    RegionId: regionId,
    InstanceIds: { kind: 'string' },
    InstanceName: { kind: 'string' },
    Status: { kind: 'string' },
    ResourceGroupId: { kind: 'string' },
    PageNumber: paging.PageNumber,
    PageSize: { kind: 'integer', min: [1, 'InvalidParam.PageSize'], max: [100, 'InvalidParam.PageSize'] },
  },
  DeleteInstances: { RegionId: regionId, InstanceId: instanceBatch, Force: { kind: 'boolean' } },
  DeleteInstance: { InstanceId: { kind: 'string', required: true }, Force: { kind: 'boolean' } },
  StartInstance: { InstanceId: { kind: 'string', required: true } },
  StopInstance: { InstanceId: { kind: 'string', required: true }, ForceStop: { kind: 'boolean' } },
  RebootInstance: { InstanceId: { kind: 'string', required: true }, ForceStop: { kind: 'boolean' } },
  StartInstances: { RegionId: regionId, InstanceId: instanceBatch },
  StopInstances: { RegionId: regionId, InstanceId: instanceBatch, ForceStop: { kind: 'boolean' } },
  RebootInstances: { RegionId: regionId, InstanceId: instanceBatch, ForceStop: { kind: 'boolean' } },
} as const satisfies Record<string, ParamSpecs>;

export type ActionName = keyof typeof CATALOG;

export function isActionName(name: string): name is ActionName {
  return Object.prototype.hasOwnProperty.call(CATALOG, name);
}
