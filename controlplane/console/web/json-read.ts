/**
 * Reading answers from the network, which are never trusted: every field is checked for its type
 * where it is used, and a missing or mistyped field reads as empty instead of throwing later.
 */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

/** A string field; numbers and booleans are shown as text; anything else is ''. */
export function str(object: JsonObject, key: string): string {
  const value = object[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

export function num(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function bool(object: JsonObject, key: string): boolean {
  const value = object[key];
  return value === true || value === 'true';
}

/** The objects at `path` (e.g. `list(body, 'Commands', 'Command')`); non-objects are dropped. */
export function list(object: JsonObject, ...path: string[]): JsonObject[] {
  let current: unknown = object;
  for (const key of path) current = asObject(current)[key];
  return Array.isArray(current) ? current.filter(isObject) : [];
}

/** The strings at `path`; other items are dropped. */
export function strings(object: JsonObject, ...path: string[]): string[] {
  let current: unknown = object;
  for (const key of path) current = asObject(current)[key];
  return Array.isArray(current) ? current.filter((item): item is string => typeof item === 'string') : [];
}

/** `{ Tag: [{TagKey, TagValue}] }` or `[{TagKey, TagValue}]` as `key=value` strings. */
export function tagTexts(value: unknown): string[] {
  const items = Array.isArray(value) ? value.filter(isObject) : list(asObject(value), 'Tag');
  return items.map((tag) => `${str(tag, 'TagKey')}=${str(tag, 'TagValue')}`);
}
