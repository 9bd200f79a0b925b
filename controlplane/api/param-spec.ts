import type { ApiErrorCode } from './errors.js';

/**
 * How one request parameter is declared in the catalog. The validator (validate-params.ts)
 * turns these declarations into checks and the exact Alibaba error codes.
 */
export type ParamSpec =
  | {
      kind: 'string';
      required?: boolean | ApiErrorCode;
      maxLength?: readonly [number, ApiErrorCode];
      /** Allowed values; compared case-insensitively when `caseInsensitive`. */
      oneOf?: readonly [readonly string[], ApiErrorCode];
      caseInsensitive?: boolean;
      pattern?: readonly [RegExp, ApiErrorCode];
    }
  | {
      kind: 'integer';
      required?: boolean;
      min?: readonly [number, ApiErrorCode | 'invalid'];
      max?: readonly [number, ApiErrorCode | 'invalid'];
    }
  | { kind: 'boolean' }
  /** `Name.1 … Name.N` repeated scalars. */
  | { kind: 'list'; required?: ApiErrorCode; maxItems?: readonly [number, ApiErrorCode] }
  /** `Tag.N.Key` / `Tag.N.Value` (or `ResourceTag.N.…`, with that family's error codes). */
  | { kind: 'tags'; maxItems: number; codes?: TagErrorCodes }
  /** A JSON object sent as one string (`Parameters`); `duplicateKey`: the error for a key given twice. */
  | { kind: 'json-object'; invalid: ApiErrorCode; duplicateKey?: ApiErrorCode };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export type { Tag } from '../domain/tag.js';

/** The error codes of one tag family (spec §1.11 for Tag.N, §3 for ResourceTag.N). */
export interface TagErrorCodes {
  tooMany: ApiErrorCode;
  missingKey: ApiErrorCode;
  badKey: ApiErrorCode;
  badValue: ApiErrorCode;
  duplicateKey: ApiErrorCode;
}

export const TAG_ERRORS: TagErrorCodes = {
  tooMany: 'NumberExceed.Tags',
  missingKey: 'MissingParameter.TagKey',
  badKey: 'InvalidTagKey.Malformed',
  badValue: 'InvalidTagValue.Malformed',
  duplicateKey: 'Duplicate.TagKey',
};

export const RESOURCE_TAG_ERRORS: TagErrorCodes = {
  tooMany: 'NumberExceed.ResourceTags',
  missingKey: 'MissingParameter.ResourceTagKey',
  badKey: 'InvalidResourceTagKey.Malformed',
  badValue: 'InvalidResourceTagValue.Malformed',
  duplicateKey: 'Duplicate.ResourceTagKey',
};
