import { afterAll, describe, expect, it } from 'vitest';
import type { InstanceSelector } from '../../controlplane/domain/instance-selector.js';
import { instanceSelectorOf, matchesInstance } from '../../controlplane/faults/fault-rules.js';
import type { FaultInput } from '../../controlplane/faults/fault-spec.js';
import { anySelected } from '../../controlplane/store/selector-where.js';
import { Store } from '../../controlplane/store/store.js';
import { instanceRecord, invocationRecord } from '../support/store-records.js';

const store = new Store(':memory:');
afterAll(() => store.close());
const db = (store as unknown as { db: import('better-sqlite3').Database }).db;

const INSTANCES = [
  instanceRecord('mi-1', { tags: [{ key: 'env', value: 'prod' }] }),
  instanceRecord('mi-2', { tags: [{ key: 'env', value: 'dev' }, { key: 'team', value: 'a' }] }),
  instanceRecord('mi-3', { tags: [{ key: 'env', value: '' }] }),
  instanceRecord('mi-4', { tags: [] }),
  instanceRecord('i-5', { kind: 'ecs', tags: [{ key: 'team', value: 'a' }] }),
  instanceRecord('mi-6', { tags: [{ key: 'owner', value: 'env' }] }),
];
store.transaction(() => {
  for (const record of INSTANCES) store.instances.add(record);
  // Another resource's tags under the same ID and seq (an invocation's, seq 1 like mi-1) are not the instance's.
  store.invocations.add(invocationRecord('mi-1', ['mi-1'], { tags: [{ key: 'zone', value: 'x' }, { key: 'env', value: 'dev' }] }));
});

/** The instances `selectors` select, in SQL. */
function selected(selectors: readonly InstanceSelector[]): string[] {
  const where = anySelected('i', selectors);
  return (db.prepare(`SELECT id FROM instances i WHERE ${where.sql} ORDER BY seq`).all(...where.params) as Array<{ id: string }>).map((r) => r.id);
}

/** Instance fault scopes (agent-offline's), and what matchesInstance says of each instance. */
const scopes: Array<[string, FaultInput]> = [
  ['every instance', { kind: 'agent-offline' }],
  ['by ID', { kind: 'agent-offline', instanceIds: ['mi-2', 'i-5', 'mi-404'] }],
  ['by tag key', { kind: 'agent-offline', tag: { key: 'env' } }],
  ['by tag key and value', { kind: 'agent-offline', tag: { key: 'env', value: 'prod' } }],
  ['by tag key and an empty value (only the empty value)', { kind: 'agent-offline', tag: { key: 'env', value: '' } }],
  ['by a tag key nobody has', { kind: 'agent-offline', tag: { key: 'zone' } }],
  ['by ID and tag', { kind: 'agent-offline', instanceIds: ['mi-1', 'mi-2', 'i-5'], tag: { key: 'team', value: 'a' } }],
];

describe('instance selectors in SQL', () => {
  it.each(scopes)('select what the fault rule matches: %s', (_name, spec) => {
    const expected = INSTANCES.filter((i) => matchesInstance(spec, { instanceId: i.instanceId, tags: i.tags })).map((i) => i.instanceId);
    const scope = spec as { instanceIds?: string[]; tag?: { key: string; value?: string } };
    expect(selected([instanceSelectorOf(scope)])).toEqual(expected);
  });

  it('select any of several, none of none, and never the excepted IDs', () => {
    expect(selected([])).toEqual([]);
    expect(selected([{ instanceIds: ['mi-1'] }, { tag: { key: 'team' } }])).toEqual(['mi-1', 'mi-2', 'i-5']);
    expect(selected([{ instanceIds: [] }])).toEqual([]);
    expect(selected([{ exceptIds: ['mi-1', 'i-5'] }])).toEqual(['mi-2', 'mi-3', 'mi-4', 'mi-6']);
    expect(selected([{ tag: { key: 'team' }, exceptIds: ['mi-2'] }, { instanceIds: ['mi-4'] }])).toEqual(['mi-4', 'i-5']);
  });
});
