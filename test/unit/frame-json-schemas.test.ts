import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertRepresentable, frameJsonSchemasSource } from '../../shared/frame-json-schemas-source.js';
import { AgentMessageSchema } from '../../shared/protocol.js';
import { compileJsonSchema } from '../../shared/json-schema-check.js';

describe('shared/frame-json-schemas.ts', () => {
  it('is what the zod schemas of shared/protocol.ts give now (else run node scripts/generate-frame-schemas.mjs after npm run build)', () => {
    const committed = readFileSync(join(process.cwd(), 'shared/frame-json-schemas.ts'), 'utf8');
    expect(committed).toBe(frameJsonSchemasSource());
  });

  it('cannot be generated from a schema with a refinement (JSON Schema would drop it)', () => {
    // The agent's own frames carry isoTime, a refine: they are checked by the control plane (zod).
    expect(() => assertRepresentable(AgentMessageSchema)).toThrow(/startedAt: a refinement has no JSON Schema form/);
  });
});

describe('compileJsonSchema', () => {
  it.each([
    [{ type: 'string', format: 'email' }, /unsupported keyword format/],
    [{ anyOf: [{ type: 'string' }] }, /unsupported keyword anyOf/],
    [{ type: 'object', properties: { a: { type: 'string', not: {} } } }, /unsupported keyword not/],
    [{ type: 'tuple' }, /unsupported type tuple/],
  ])('refuses a schema it cannot check fully: %j', (schema, message) => {
    expect(() => compileJsonSchema(schema)).toThrow(message);
  });

  it('counts string length in UTF-16 code units, as zod does', () => {
    const check = compileJsonSchema({ type: 'string', maxLength: 2 });
    expect(check('😀').ok).toBe(true);
    expect(check('😀x').ok).toBe(false);
  });

  it('keeps only the listed properties and checks nested values', () => {
    const check = compileJsonSchema({ type: 'object', properties: { a: { type: 'array', maxItems: 2, items: { type: 'integer', minimum: 0 } } }, required: ['a'] });
    expect(check({ a: [1, 2], extra: true })).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(check({ a: [1, -2] })).toEqual({ ok: false, reason: 'a.1: too small: at least 0' });
    expect(check({ a: [1, 2, 3] })).toEqual({ ok: false, reason: 'a: too many items: at most 2' });
    expect(check({})).toEqual({ ok: false, reason: 'a: required' });
    expect(check([])).toEqual({ ok: false, reason: '(frame): expected object, received array' });
  });
});
