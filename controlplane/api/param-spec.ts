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
  /** `Tag.N.Key` / `Tag.N.Value`. */
  | { kind: 'tags'; maxItems: number }
  /** A JSON object sent as one string (`Parameters`). */
  | { kind: 'json-object'; invalid: ApiErrorCode };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export interface Tag {
  key: string;
  value: string;
}
