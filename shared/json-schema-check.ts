/**
 * A checker for the JSON Schemas that zod's `toJSONSchema` emits for the protocol's frames
 * (frame-json-schemas.ts), so that the agent validates what it receives without loading zod.
 * It knows only the keywords those schemas use and refuses a schema with any other, so a change
 * in shared/protocol.ts that needs more cannot be checked too loosely by accident.
 *
 * Semantics follow zod's, not the JSON Schema text where they differ: string lengths count
 * UTF-16 code units (`.length`, as zod's min/max), and an object's output keeps only the
 * properties the schema lists (zod strips unknown keys; the input schema allows them).
 */
export type CheckResult = { ok: true; value: unknown } | { ok: false; reason: string };
export type Check = (value: unknown) => CheckResult;

export type JsonSchema = { readonly [keyword: string]: unknown };

const KNOWN = new Set([
  '$schema', 'type', 'const', 'enum', 'oneOf', 'properties', 'required', 'items',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minItems', 'maxItems',
]);

class Invalid {
  constructor(readonly path: string[], readonly message: string, readonly atConst = false) {}
}

type Node = (value: unknown, path: string[]) => unknown;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      throw new Error(`json-schema-check: unsupported type ${type}`);
  }
}

function compileNode(schema: JsonSchema): Node {
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN.has(keyword)) throw new Error(`json-schema-check: unsupported keyword ${keyword}`);
  }
  if (schema.oneOf !== undefined) return compileOneOf(schema.oneOf as JsonSchema[]);
  const type = schema.type as string | undefined;
  const checks: Array<(value: unknown, path: string[]) => void> = [];
  if (type !== undefined) {
    fits(type, undefined); // refuses an unsupported type now
    checks.push((value, path) => {
      if (!fits(type, value)) throw new Invalid(path, `expected ${type}, received ${typeOf(value)}`);
    });
  }
  if ('const' in schema) {
    const expected = schema.const;
    checks.push((value, path) => {
      if (value !== expected) throw new Invalid(path, `expected ${JSON.stringify(expected)}`, true);
    });
  }
  if (schema.enum !== undefined) {
    const options = schema.enum as unknown[];
    checks.push((value, path) => {
      if (!options.includes(value)) throw new Invalid(path, `expected one of ${options.map((o) => JSON.stringify(o)).join('|')}`);
    });
  }
  const { minLength, maxLength, minimum, maximum, minItems, maxItems } = schema as Record<string, number | undefined>;
  if (minLength !== undefined) checks.push((value, path) => { if ((value as string).length < minLength) throw new Invalid(path, `too short: at least ${minLength}`); });
  if (maxLength !== undefined) checks.push((value, path) => { if ((value as string).length > maxLength) throw new Invalid(path, `too long: at most ${maxLength}`); });
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern as string);
    checks.push((value, path) => { if (!pattern.test(value as string)) throw new Invalid(path, `does not match ${pattern.source}`); });
  }
  if (minimum !== undefined) checks.push((value, path) => { if ((value as number) < minimum) throw new Invalid(path, `too small: at least ${minimum}`); });
  if (maximum !== undefined) checks.push((value, path) => { if ((value as number) > maximum) throw new Invalid(path, `too big: at most ${maximum}`); });
  if (minItems !== undefined) checks.push((value, path) => { if ((value as unknown[]).length < minItems) throw new Invalid(path, `too few items: at least ${minItems}`); });
  if (maxItems !== undefined) checks.push((value, path) => { if ((value as unknown[]).length > maxItems) throw new Invalid(path, `too many items: at most ${maxItems}`); });

  let shape: ((value: unknown, path: string[]) => unknown) | undefined;
  if (type === 'object') shape = compileObject(schema);
  else if (schema.properties !== undefined || schema.required !== undefined) throw new Error('json-schema-check: properties need type object');
  if (schema.items !== undefined) {
    if (type !== 'array') throw new Error('json-schema-check: items need type array');
    const item = compileNode(schema.items as JsonSchema);
    shape = (value, path) => (value as unknown[]).map((element, index) => item(element, [...path, String(index)]));
  }
  return (value, path) => {
    for (const check of checks) check(value, path);
    return shape ? shape(value, path) : value;
  };
}

function compileObject(schema: JsonSchema): (value: unknown, path: string[]) => unknown {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => [name, compileNode(property)] as const);
  const required = new Set((schema.required ?? []) as string[]);
  return (value, path) => {
    const input = value as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    for (const [name, property] of properties) {
      if (!Object.hasOwn(input, name) || input[name] === undefined) {
        if (required.has(name)) throw new Invalid([...path, name], 'required');
        continue;
      }
      output[name] = property(input[name], [...path, name]);
    }
    return output;
  };
}

function compileOneOf(branches: JsonSchema[]): Node {
  const compiled = branches.map(compileNode);
  return (value, path) => {
    const matches: unknown[] = [];
    const failures: Invalid[] = [];
    for (const branch of compiled) {
      try {
        matches.push(branch(value, path));
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        failures.push(error);
      }
    }
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new Invalid(path, 'matches more than one schema');
    // The branch whose discriminator matched explains best; when none did, say so.
    const explained = failures.find((failure) => !failure.atConst);
    if (explained) throw explained;
    throw new Invalid(failures[0]?.path ?? path, 'matches none of the schemas');
  };
}

/** Compiles `schema` once; throws when it uses a keyword this checker does not know. */
export function compileJsonSchema(schema: JsonSchema): Check {
  const root = compileNode(schema);
  return (value) => {
    try {
      return { ok: true, value: root(value, []) };
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return { ok: false, reason: `${error.path.join('.') || '(frame)'}: ${error.message}` };
    }
  };
}
