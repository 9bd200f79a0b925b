import { Validator, type Schema } from '@cfworker/json-schema';

/**
 * Checks values against the JSON Schemas that zod's `toJSONSchema` emits for the protocol's
 * frames (frame-json-schemas.ts), so that the agent validates what it receives without keeping
 * zod in memory: @cfworker/json-schema (a small, dependency-free validator; ~1 MiB resident
 * against zod's ~13). test/unit/server-frames.test.ts holds its answers to zod's.
 *
 * The value passed on is the frame as received: unknown keys stay (zod would strip them), and
 * the agent reads only the fields the schema names. String lengths are JSON Schema's (Unicode
 * code points; zod counts UTF-16 units), which differs only for characters beyond the BMP.
 */
export type CheckResult = { ok: true; value: unknown } | { ok: false; reason: string };
export type Check = (value: unknown) => CheckResult;

export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * Compiles `schema` once (draft 2020-12, which zod emits). The reason names the deepest place
 * that failed (of a `oneOf`, the branch that got furthest: the one whose `type` matched).
 */
export function compileJsonSchema(schema: JsonSchema): Check {
  const validator = new Validator(schema as unknown as Schema, '2020-12', false);
  return (value) => {
    const result = validator.validate(value);
    if (result.valid) return { ok: true, value };
    const error = result.errors.reduce<(typeof result.errors)[number] | undefined>((deepest, e) => (!deepest || e.instanceLocation.length > deepest.instanceLocation.length ? e : deepest), undefined);
    return { ok: false, reason: `${error?.instanceLocation.replace(/^#\/?/, '') || '(frame)'}: ${error?.error ?? 'invalid'}` };
  };
}
