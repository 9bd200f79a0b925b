import { describe, expect, it } from 'vitest';
import { compileJsonSchema } from '../../shared/json-schema-check.js';

const branch = (type: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties: { type: { type: 'string', const: type }, ...extra },
  required: ['type', ...Object.keys(extra)],
});

describe('compileJsonSchema on a oneOf', () => {
  it('accepts by the branch the frame names and refuses with the full check reason', () => {
    const check = compileJsonSchema({ oneOf: [branch('a', { n: { type: 'integer' } }), branch('b')] });
    expect(check({ type: 'a', n: 1 })).toEqual({ ok: true, value: { type: 'a', n: 1 } });
    expect(check({ type: 'b' }).ok).toBe(true);
    expect(check({ type: 'a', n: 'x' })).toMatchObject({ ok: false, reason: expect.stringContaining('n') });
    expect(check({ type: 'c' }).ok).toBe(false);
    expect(check({ n: 1 }).ok).toBe(false);
    expect(check([]).ok).toBe(false);
  });

  it('refuses a value two branches accept when they share a type (oneOf means exactly one)', () => {
    const check = compileJsonSchema({ oneOf: [branch('a'), branch('a', { n: { type: 'integer' } })] });
    expect(check({ type: 'a', n: 1 }).ok).toBe(false);
    expect(check({ type: 'a' }).ok).toBe(true);
  });

  it('checks a oneOf whose branches name no type in full', () => {
    const check = compileJsonSchema({ oneOf: [{ type: 'integer' }, { type: 'number', minimum: 10 }] });
    expect(check(3).ok).toBe(true);
    expect(check(12).ok).toBe(false); // both match
    expect(check(10.5).ok).toBe(true);
  });
});
