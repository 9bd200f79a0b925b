import { DOMAIN_ERROR_CODES, type DomainError } from '../domain/domain-error.js';
/**
 * The one catalog of Alibaba API errors: code → HTTP status + message (spec §1.7 and each
 * operation's error table, newest HTTP status). Thrown by name: `throw apiError('InvalidCmdId.NotFound')`.
 * No error string is written anywhere else.
 */
export const API_ERRORS = {
  // gateway / common (spec §1.7)
  InvalidParameter: [400, 'The specified parameter is not valid.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation. server string to sign is:{detail}'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
  InvalidVersion: [400, 'Specified parameter Version is not valid.'],
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  // casim's own: past the request-size limit (api/request-limits.ts). The real gateway answers
  // 414 for a URL that is too long; casim says so in the Alibaba error envelope.
  'Request.TooLarge': [414, 'The request line and headers exceed the limit of {detail} bytes.'],
  'InvalidAction.NotFound': [404, 'Specified api is not found, please check your url and method.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  InternalError: [500, 'The request processing has failed due to some unknown error.'],
  // The store cannot take a write now (a full disk, an I/O error): nothing was done, retry later.
  ServiceUnavailable: [500, 'The request has failed due to a temporary failure of the server.'],
  // Flow control (spec §1.7: the SDKs map any code containing Throttling to ThrottlingError): past
  // CASIM_API_RATE calls a second (api/token-bucket.ts), or when a fault asks for it (controlplane/faults/).
  Throttling: [400, 'Request was denied due to request throttling.'],
  'Throttling.User': [400, 'Request was denied due to user flow control.'],
  'RegionId.ApiNotSupported': [400, 'The api is not supported in this region.'],
  'InvalidRegionId.NotFound': [404, 'The RegionId provided does not exist in our records.'],
  'Operation.Forbidden': [403, 'The operation is not permitted.'],
  // paging (spec §1.10)
  'InvalidParam.PageNumber': [400, 'The specified parameter is invalid.'],
  'InvalidParam.PageSize': [400, 'The specified parameter is invalid.'],
  'InvalidParameter.NextToken': [400, 'The specified parameter NextToken is not valid.'],
  'InvalidParameter.MaxResults': [400, 'The specified parameter MaxResults is not valid.'],
  // commands (spec §2, §17.4)
  'CmdParam.EmptyKey': [400, 'You must specify the parameter names.'],
  'CmdParam.InvalidParamName': [400, 'Invalid parameter name. The name can contain only lowercase letters (a to z), uppercase letters (A to Z), numbers (0 to 9), hyphens (-), and underscores (_).'],
  'CmdContent.DecodeError': [400, 'The CommandContent can not be base64 decoded.'],
  'InvalidParameter.WorkingDir': [400, 'The specified parameter WorkingDir is not valid.'],
  'CmdContent.ExceedLimit': [403, 'The length of the command content exceeds the upper limit.'],
  'CmdName.ExceedLimit': [403, 'The length of the command name exceeds the upper limit.'],
  'CmdDesc.ExceedLimit': [403, 'The length of the command description exceeds the upper limit.'],
  'CmdCount.ExceedQuota': [403, 'The total number of commands in the current region exceeds the quota.'],
  'CmdParamCount.ExceedLimit': [403, 'The maximum number of custom parameters is exceeded.'],
  'CmdParamName.ExceedLimit': [403, 'The maximum length of a parameter name is exceeded.'],
  'InvalidLauncher.LengthLimitExceeded': [403, 'The length of the parameter Launcher exceeds the limit of 1 KB characters.'],
  'InvalidTimeout.ExceedLimit': [403, 'The specified parameter Timeout exceeds the upper limit.'],
  'InvalidCmdType.NotFound': [404, 'The specified command type does not exist.'],
  'InvalidCmdId.NotFound': [404, 'The specified command ID does not exist.'],
  // invocations (spec §3, §8)
  'MissingParam.InstanceId': [400, 'The parameter instanceId is missing or empty.'],
  'InvalidContainerId.Malformed': [400, 'The specified parameter ContainerId is not valid.'],
  'InvalidContainerName.Malformed': [400, 'The specified parameter ContainerName is not valid.'],
  'InvalidClientToken.Malformed': [400, 'The specified parameter clientToken is not valid.'],
  'InvalidInstance.NotMatch': [400, 'The specified instance type does not match the command.'],
  'MissingParam.Frequency': [400, 'The frequency must be specified when you create a timed task.'],
  'InvalidParam.Frequency': [400, 'The specified frequency is invalid.'],
  // Only for a required parameter of a public command (spec §17.4); casim has none (README).
  'Parameter.MissingValue': [400, 'The parameter value of this command is required.'],
  'Parameter.Disabled': [400, 'Parameters cannot be passed in when the command customization function is disabled.'],
  'InvalidParameter.Parameters': [400, 'The specified parameter Parameters is not valid.'],
  'NumberExceed.ResourceTags': [400, 'The maximum number of ResourceTags is exceeded.'],
  'MissingParameter.ResourceTagKey': [400, 'You must specify ResourceTag.N.Key.'],
  'InvalidResourceTagKey.Malformed': [400, 'The specified ResourceTag key is not valid.'],
  'InvalidResourceTagValue.Malformed': [400, 'The specified ResourceTag value is not valid.'],
  'Duplicate.ResourceTagKey': [400, 'The ResourceTag contains duplicate keys.'],
  'InvalidResourceTag.InstanceNotFound': [400, 'InstanceIds are not found by the specified ResourceTag.'],
  'InvalidResourceTag.ConflictWithInstanceIds': [400, 'The specified param ResourceTag conflicts with InstanceId.'],
  'InstanceIds.ExceedLimit': [403, 'The number of instance IDs exceeds the upper limit.'],
  'Invocation.ExceedQuota': [403, 'The invocation quota in the current region has been reached for today.'],
  'ParameterCount.ExceedLimit': [403, 'The maximum number of parameters is exceeded.'],
  'ParameterKey.ExceedLimit': [403, 'The maximum length of a parameter name is exceeded.'],
  'ParameterKey.Duplicate': [403, 'Parameter names cannot be duplicated.'],
  'Parameter.NotMatched': [403, 'The passed-in parameters do not match the parameters defined when you created the command.'],
  'ParameterType.NotSupported': [403, 'The type of parameter value is not supported.'],
  'Username.ExceedLimit': [403, 'The length of the username exceeds the upper limit.'],
  'WindowsPasswordName.ExceedLimit': [403, 'The length of the WindowsPasswordName exceeds the upper limit.'],
  'ParameterStore.NotSupported': [403, 'Parameter Store is not supported in this region.'],
  'InvalidRepeatMode.NotFound': [404, 'The specified repeat mode does not exist.'],
  'InvalidInstance.NotFound': [404, 'The specified instance does not exist.'],
  'InvalidResourceGroup.NotFound': [404, 'The ResourceGroup provided does not exist in our records.'],
  'InvalidTerminationMode.NotFound': [404, 'The specified parameter TerminationMode does not exist.'],
  'InvalidInvokeId.NotFound': [404, 'The specified invoke ID does not exist.'],
  'InvalidInstanceId.NotFound': [404, 'The specified parameter InstanceId does not exist.'],
  // SendFile (spec §14.1)
  'FileTargetDir.Invalid': [400, 'The target directory of file is invalid.'],
  'FileMode.Invalid': [400, 'The mode of file is invalid.'],
  'FileContent.DecodeError': [400, 'The Content can not be base64 decoded.'],
  'FileContentType.Invalid': [400, 'The ContentType of file is invalid.'],
  'InvalidParameter.FileOwner': [400, 'The specified parameter FileOwner is not valid.'],
  'InvalidParameter.FileGroup': [400, 'The specified parameter FileGroup is not valid.'],
  'FileSize.ExceedLimit': [403, 'The length of file content exceeds limit.'],
  'FileName.ExceedLimit': [403, 'The length of file name exceeds limit.'],
  'FileDesc.ExceedLimit': [403, 'The length of file description exceeds limit.'],
  // managed instances (spec §15)
  'InstanceName.ExceedLimit': [400, 'Default instance name prefix length exceeds.'],
  'InstanceName.InvalidPattern': [400, 'Default instance name prefix pattern invalid.'],
  'ActivationDesc.ExceedLimit': [400, 'Activation description length exceeds.'],
  'ActivationLimitation.Invalid': [400, 'The specified parameter InstanceCount exceeds the limit of {detail}.'],
  'AddressRange.InvalidPattern': [400, 'Address range should be ipv4 address or cidr.'],
  'ActivationCount.ExceedLimit': [400, 'The count of activation in current region exceeds the limit of {detail}.'],
  'ActivationTTL.ExceedLimit': [400, 'The specified parameter TimeToLiveInHours exceeds the limit of {detail}.'],
  IncorrectInstanceStatus: [403, 'The current status of the resource does not support this operation.'],
  // casim's own time-control endpoint (README "Testing schedules")
  'TimeControl.Disabled': [404, 'Start the server with --time-control to use this endpoint.'],
  'InvalidParameter.Seconds': [400, 'The parameter seconds must be a number from 0 to 315360000 (10 years), and simulated time must stay before the year 10000.'],
  // casim's own fault-injection endpoint (README "Faults on purpose")
  'Admin.Disabled': [404, 'Start the server with --admin to use this endpoint.'],
  'InvalidFault.Malformed': [400, 'The fault is not valid: {detail}'],
  'InvalidFaultId.NotFound': [404, 'The specified fault does not exist.'],
  'InvalidActivationId.NotFound': [404, 'The specified activation id does not exist.'],
  'ActivationInUse': [403, 'The activation is in use by registered managed instances and cannot be deleted.'],
  'InvalidCommand.Running': [403, 'The command is being executed and cannot be deleted.'],
  IdempotentParameterMismatch: [403, 'The specified parameter has changed while using an already used clientToken.'],
  IdempotentProcessing: [403, 'The previous idempotent request(s) is still processing.'],
  // tags (spec §1.11)
  'NumberExceed.Tags': [400, 'The Tags parameter number is exceed.'],
  'Duplicate.TagKey': [400, 'The Tag.N.Key contain duplicate key.'],
  'InvalidTagKey.Malformed': [400, 'The specified Tag.n.Key is not valid.'],
  'InvalidTagValue.Malformed': [400, 'The specified Tag.n.Value is not valid.'],
  'MissingParameter.TagKey': [400, 'You must specify Tag.N.Key.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Where an operation's documented message differs from the common one for the same code. */
const MESSAGE_VARIANTS: Partial<Record<ApiErrorCode, Record<string, string>>> = {
  'CmdContent.ExceedLimit': {
    InvokeCommand: 'The maximum length of a command is exceeded.',
  },
  'InvalidInstance.NotFound': {
    DeregisterManagedInstance: 'The specified instance id does not exist.',
    SendFile: 'The specified instances not found.',
  },
};

/** An Alibaba API error: HTTP status, Code and Message exactly as the service answers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The catalogued error `code`; `{detail}` in its message is replaced by `detail`. `action`
 * picks an operation's own message where its documentation words it differently.
 */
export function apiError(code: ApiErrorCode, detail = '', action?: string): ApiError {
  const [status, common] = API_ERRORS[code];
  const template = (action && MESSAGE_VARIANTS[code]?.[action]) || common;
  return new ApiError(status, code, template.replace('{detail}', detail));
}

/** `400 MissingParameter.<Name>` — the one parametrised gateway error (spec §1.7). */
export function missingParameter(name: string): ApiError {
  return new ApiError(
    400,
    `MissingParameter.${name}`,
    `The input parameter “${name}” that is mandatory for processing this request is not supplied.`,
  );
}

/** `400 InvalidParameter.<Name>` for a value of the wrong type or format. */
export function invalidParameter(name: string): ApiError {
  return new ApiError(400, `InvalidParameter.${name}`, `The specified parameter “${name}” is not valid.`);
}

/** A domain module's error (controlplane/domain/domain-error.ts) as the catalog's API error. */
export function fromDomainError(error: DomainError): ApiError {
  return apiError(error.code);
}

// Every code a domain module may raise is in the catalog (a compile-time check).
const DOMAIN_CODES_ARE_CATALOGUED: readonly ApiErrorCode[] = DOMAIN_ERROR_CODES;
void DOMAIN_CODES_ARE_CATALOGUED;
