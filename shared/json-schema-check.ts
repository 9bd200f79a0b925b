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
  const branches = discriminatedBranches(schema);
  return (value) => {
    // A frame whose `type` names a branch is valid exactly when that branch accepts it (every
    // other branch refuses its `type`); a refused one is checked in full for the reason.
    const type = typeOf(value);
    const branch = type === undefined ? undefined : branches?.get(type);
    if (branch?.validate(value).valid === true) return { ok: true, value };
    const result = validator.validate(value);
    if (result.valid) return { ok: true, value };
    const error = result.errors.reduce<(typeof result.errors)[number] | undefined>((deepest, e) => (!deepest || e.instanceLocation.length > deepest.instanceLocation.length ? e : deepest), undefined);
    return { ok: false, reason: `${error?.instanceLocation.replace(/^#\/?/, '') || '(frame)'}: ${error?.error ?? 'invalid'}` };
  };
}

/**
 * The branches of a top-level `oneOf` by the `const` of their `type` property, each compiled on
 * its own, when every branch has a distinct one (the frames' discriminated unions); otherwise
 * undefined. The validator checks every branch of a `oneOf` (and compiles each `pattern` again
 * on every check): a task frame took 57 µs with the agent's V8 flags, its own branch alone 22 µs
 * (a finish-ack 46 → 5 µs); the task frame is on the path before the fork (bench/invoke-latency.ts).
 */
function discriminatedBranches(schema: JsonSchema): Map<string, Validator> | undefined {
  const oneOf = schema.oneOf;
  if (!Array.isArray(oneOf) || oneOf.length === 0) return undefined;
  const branches = new Map<string, Validator>();
  for (const branch of oneOf as JsonSchema[]) {
    const type = (branch.properties as { type?: { const?: unknown } } | undefined)?.type?.const;
    const required = branch.required;
    if (typeof type !== 'string' || branches.has(type) || !Array.isArray(required) || !required.includes('type')) return undefined;
    branches.set(type, new Validator({ ...(schema.$schema === undefined ? {} : { $schema: schema.$schema }), ...branch } as unknown as Schema, '2020-12', false));
  }
  return branches;
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}
