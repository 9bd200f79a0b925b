import { apiError, invalidParameter, missingParameter, type ApiError } from './errors.js';
import { firstDuplicateKey } from './json-duplicate-keys.js';
import { TAG_ERRORS, type ParamSpec, type ParamSpecs, type Tag, type TagErrorCodes } from './param-spec.js';
import { repeatedList, repeatedTags, type RawParams } from './request-params.js';

export type ParamValue = string | number | boolean | string[] | Tag[] | Record<string, unknown>;

/** Validated arguments of one call, read by name. Only declared parameters are present. */
export class ValidArgs {
  constructor(private readonly values: ReadonlyMap<string, ParamValue>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }
  string(name: string): string | undefined {
    const value = this.values.get(name);
    return typeof value === 'string' ? value : undefined;
  }
  integer(name: string): number | undefined {
    const value = this.values.get(name);
    return typeof value === 'number' ? value : undefined;
  }
  boolean(name: string): boolean | undefined {
    const value = this.values.get(name);
    return typeof value === 'boolean' ? value : undefined;
  }
  list(name: string): string[] {
    const value = this.values.get(name);
    return Array.isArray(value) ? (value as string[]) : [];
  }
  tags(name: string): Tag[] {
    const value = this.values.get(name);
    return Array.isArray(value) ? (value as Tag[]) : [];
  }
  object(name: string): Record<string, unknown> | undefined {
    const value = this.values.get(name);
    return typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  }
}

const INTEGER = /^-?\d+$/;
/** Tag keys and values may not contain `http://` or `https://` anywhere (spec §1.9); keys may not start with `aliyun` or `acs:`. */
const URL_SCHEME = /https?:\/\//i;
const TAG_KEY_FORBIDDEN = /^(aliyun|acs:)|https?:\/\//i;

function checkString(name: string, raw: string, spec: Extract<ParamSpec, { kind: 'string' }>): string {
  if (spec.maxLength && [...raw].length > spec.maxLength[0]) throw apiError(spec.maxLength[1]);
  if (spec.pattern && !spec.pattern[0].test(raw)) throw apiError(spec.pattern[1]);
  if (spec.oneOf) {
    const [allowed, code] = spec.oneOf;
    const match = spec.caseInsensitive
      ? allowed.find((v) => v.toLowerCase() === raw.toLowerCase())
      : allowed.find((v) => v === raw);
    if (match === undefined) throw apiError(code);
    return match;
  }
  void name;
  return raw;
}

function checkInteger(name: string, raw: string, spec: Extract<ParamSpec, { kind: 'integer' }>): number {
  if (!INTEGER.test(raw.trim())) throw invalidParameter(name);
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value)) throw invalidParameter(name);
  // A message with a limit in it ("exceeds the limit of %s") names the upper bound.
  const limit = String(spec.max?.[0] ?? spec.min?.[0] ?? '');
  if (spec.min && value < spec.min[0]) throw spec.min[1] === 'invalid' ? invalidParameter(name) : apiError(spec.min[1], limit);
  if (spec.max && value > spec.max[0]) throw spec.max[1] === 'invalid' ? invalidParameter(name) : apiError(spec.max[1], limit);
  return value;
}

function checkBoolean(name: string, raw: string): boolean {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidParameter(name);
}

function checkTags(params: RawParams, name: string, maxItems: number, codes: TagErrorCodes): Tag[] {
  const tags = repeatedTags(params, name);
  if (tags.length > maxItems) throw apiError(codes.tooMany);
  const seen = new Set<string>();
  return tags.map(({ key, value }) => {
    if (key === undefined || key === '') throw apiError(codes.missingKey);
    if ([...key].length > 64 || TAG_KEY_FORBIDDEN.test(key)) throw apiError(codes.badKey);
    if ([...value].length > 128 || URL_SCHEME.test(value)) throw apiError(codes.badValue);
    if (seen.has(key)) throw apiError(codes.duplicateKey);
    seen.add(key);
    return { key, value };
  });
}

function checkJsonObject(raw: string, spec: Extract<ParamSpec, { kind: 'json-object' }>): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw apiError(spec.invalid);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw apiError(spec.invalid);
  // JSON.parse keeps the last of two equal keys; the service refuses them.
  if (spec.duplicateKey && firstDuplicateKey(raw) !== undefined) throw apiError(spec.duplicateKey);
  return value as Record<string, unknown>;
}

function validateOne(params: RawParams, name: string, spec: ParamSpec): ParamValue | undefined {
  switch (spec.kind) {
    case 'list': {
      const items = repeatedList(params, name).filter((v) => v !== '');
      if (items.length === 0) {
        if (spec.required) throw apiError(spec.required);
        return undefined;
      }
      if (spec.maxItems && items.length > spec.maxItems[0]) throw apiError(spec.maxItems[1]);
      return items;
    }
    case 'tags': {
      const tags = checkTags(params, name, spec.maxItems, spec.codes ?? TAG_ERRORS);
      return tags.length > 0 ? tags : undefined;
    }
    default:
      break;
  }
  const raw = params.get(name);
  if (raw === undefined || raw === '') {
    if (spec.kind === 'string' && spec.required)
      throw spec.required === true ? missingParameter(name) : apiError(spec.required);
    if (spec.kind === 'integer' && spec.required) throw missingParameter(name);
    return undefined;
  }
  switch (spec.kind) {
    case 'string':
      return checkString(name, raw, spec);
    case 'integer':
      return checkInteger(name, raw, spec);
    case 'boolean':
      return checkBoolean(name, raw);
    case 'json-object':
      return checkJsonObject(raw, spec);
  }
}

/** Checks `params` against `specs` in declaration order; the first violation is thrown as an ApiError. */
export function validateParams(params: RawParams, specs: ParamSpecs): ValidArgs {
  const values = new Map<string, ParamValue>();
  for (const [name, spec] of Object.entries(specs)) {
    const value = validateOne(params, name, spec);
    if (value !== undefined) values.set(name, value);
  }
  return new ValidArgs(values);
}

export type { ApiError };
