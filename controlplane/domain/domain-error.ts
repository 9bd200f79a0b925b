/**
 * The errors the domain modules below `api/` raise (parameter rules, schedules, SendFile
 * content). They name an Alibaba error code; the HTTP edge turns one into the catalog's status
 * and message (api/errors.ts `fromDomainError`), as it does with auth/'s failure codes. The
 * catalog is checked at compile time to hold every code listed here.
 */
export const DOMAIN_ERROR_CODES = [
  'CmdParam.EmptyKey', 'CmdParam.InvalidParamName', 'CmdParamName.ExceedLimit', 'CmdParamCount.ExceedLimit',
  'ParameterCount.ExceedLimit', 'InvalidParameter.Parameters', 'ParameterKey.ExceedLimit', 'ParameterKey.Duplicate',
  'Parameter.NotMatched', 'ParameterType.NotSupported',
  'InvalidParam.Frequency',
  'FileContent.DecodeError', 'FileSize.ExceedLimit',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(readonly code: DomainErrorCode) {
    super(code);
    this.name = 'DomainError';
  }
}

export function domainError(code: DomainErrorCode): DomainError {
  return new DomainError(code);
}
