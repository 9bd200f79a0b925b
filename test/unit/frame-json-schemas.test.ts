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

describe('compileJsonSchema (@cfworker/json-schema)', () => {
  it('checks nested values, names where a value failed, and passes an accepted value on as received', () => {
    const check = compileJsonSchema({ type: 'object', properties: { a: { type: 'array', maxItems: 2, items: { type: 'integer', minimum: 0 } } }, required: ['a'] });
    expect(check({ a: [1, 2], extra: true })).toEqual({ ok: true, value: { a: [1, 2], extra: true } });
    for (const bad of [{ a: [1, -2] }, { a: [1, 2, 3] }, {}, [], { a: [1.5] }]) expect(check(bad).ok).toBe(false);
    const failed = check({ a: [1, -2] });
    expect(failed.ok ? '' : failed.reason).toMatch(/^a\/1: /);
  });

  it('counts string length in code points (JSON Schema), where zod counts UTF-16 units', () => {
    const check = compileJsonSchema({ type: 'string', maxLength: 1 });
    expect(check('😀').ok).toBe(true);
    expect(check('😀x').ok).toBe(false);
  });
});
