import { describe, expect, it } from 'vitest';
import { countedTotal, coveringCounter, type CountedTotal, type CounterKey, type CountSpec } from '../../controlplane/store/counted-filters.js';
import type { InvocationFilter } from '../../controlplane/store/invocation-queries.js';
import type { RegisteredFilter } from '../../controlplane/store/instance-queries.js';
import type { ActivationFilter } from '../../controlplane/store/activation-queries.js';
import { ACTIVATION_COUNTS, INSTANCE_COUNTS, INVOCATION_COUNTS, RUN_COUNTS } from '../../controlplane/store/table-specs.js';
import type { ResultFilter } from '../../controlplane/store/invocation-queries.js';

const R = 'cn-hangzhou';
const prod = { key: 'env', value: 'prod' };
const anyEnv = { key: 'env', value: '' };

const rows = (table: string, kind = ''): CounterKey => ({ table, facet: 'rows', regionId: R, kind, tagKey: '', tagValue: '' });
const tag = (table: string, key: string, value: string, kind = ''): CounterKey => ({ table, facet: 'tag', regionId: R, kind, tagKey: key, tagValue: value });
const tagKey = (table: string, key: string, kind = ''): CounterKey => ({ table, facet: 'tag_key', regionId: R, kind, tagKey: key, tagValue: '' });

/** DescribeInvocations' filter as the handler builds it: every field present, unset ones undefined. */
function invocations(extra: Partial<InvocationFilter>): InvocationFilter {
  return {
    regionId: R, invokeId: undefined, commandId: undefined, commandName: undefined, commandType: undefined, instanceId: undefined, repeatMode: undefined,
    resourceGroupId: undefined, tags: [], timed: undefined, invokeStatus: undefined, ...extra,
  };
}

function managed(extra: Partial<RegisteredFilter>): RegisteredFilter {
  return { regionId: R, kind: 'managed', name: undefined, activationId: undefined, osType: undefined, resourceGroupId: undefined, tags: [], ...extra };
}

const cases: Array<[string, CountSpec, Parameters<typeof coveringCounter>[1], CounterKey | undefined]> = [
  ['the region: its rows', INVOCATION_COUNTS, invocations({}), rows('invocations')],
  ['the region, as a bare filter', INVOCATION_COUNTS, { regionId: R, tags: [] }, rows('invocations')],
  ['one tag with a value: its tag rows', INVOCATION_COUNTS, invocations({ tags: [prod] }), tag('invocations', 'env', 'prod')],
  ['one tag without a value: the key\'s tag rows', INVOCATION_COUNTS, invocations({ tags: [anyEnv] }), tagKey('invocations', 'env')],
  ['two tags: not covered', INVOCATION_COUNTS, invocations({ tags: [prod, { key: 'team', value: 'a' }] }), undefined],
  ['CommandId: not covered', INVOCATION_COUNTS, invocations({ commandId: 'c-1' }), undefined],
  ['InvokeStatus: not covered', INVOCATION_COUNTS, invocations({ invokeStatus: 'Running' }), undefined],
  ['Timed=false is a filter too: not covered', INVOCATION_COUNTS, invocations({ timed: false }), undefined],
  ['InstanceId with a tag: not covered', INVOCATION_COUNTS, invocations({ instanceId: 'mi-1', tags: [prod] }), undefined],
  ['an empty InvokeId is still a filter: not covered', INVOCATION_COUNTS, invocations({ invokeId: '' }), undefined],
  ['a field no counter knows (added later): not covered', INVOCATION_COUNTS, { regionId: R, tags: [], somethingNew: 1 } as InvocationFilter, undefined],
  ['a kind on a table not counted by kind: not covered', ACTIVATION_COUNTS, { regionId: R, kind: 'managed', tags: [] }, undefined],
  ['registered instances of one kind', INSTANCE_COUNTS, managed({}), rows('instances', 'managed')],
  ['of the other kind, with a tag', INSTANCE_COUNTS, { regionId: R, kind: 'ecs', tags: [prod] }, tag('instances', 'env', 'prod', 'ecs')],
  ['with a key-only tag', INSTANCE_COUNTS, managed({ tags: [anyEnv] }), tagKey('instances', 'env', 'managed')],
  ['without a kind on a table counted by kind: not covered', INSTANCE_COUNTS, { regionId: R, tags: [] }, undefined],
  ['Connected: not covered', INSTANCE_COUNTS, managed({ connected: true }), undefined],
  ['Connected with instances a fault hides: not covered', INSTANCE_COUNTS, managed({ connected: false, offline: [{ tag: { key: 'env' } }] }), undefined],
  ['a row-by-row check: not covered', INSTANCE_COUNTS, managed({ keep: () => true }), undefined],
  ['InstanceId.N (even none): not covered', INSTANCE_COUNTS, managed({ instanceIds: [] }), undefined],
  ['InstanceName: not covered', INSTANCE_COUNTS, managed({ name: 'web' }), undefined],
  ['Status: not covered', INSTANCE_COUNTS, { regionId: R, kind: 'ecs', tags: [], status: 'Stopped' } as RegisteredFilter, undefined],
  ['a tag and ActivationId: not covered', INSTANCE_COUNTS, managed({ tags: [prod], activationId: 'a-1' }), undefined],
  ['the region of activations', ACTIVATION_COUNTS, { regionId: R, tags: [], activationId: undefined, instanceName: undefined } as ActivationFilter, rows('activations')],
  ['the region\'s run rows', RUN_COUNTS, { regionId: R, tags: [], invokeId: undefined, recordStatus: undefined } as Partial<ResultFilter> as ResultFilter, rows('instance_runs')],
  ['run rows by a tag (of their invocations): not covered', RUN_COUNTS, { regionId: R, tags: [prod] }, undefined],
  ['run rows by InvokeRecordStatus: not covered', RUN_COUNTS, { regionId: R, tags: [], recordStatus: 'Failed' } as Partial<ResultFilter> as ResultFilter, undefined],
];

describe('which TotalCounts a counter covers', () => {
  it.each(cases)('%s', (_name, spec, filter, expected) => {
    expect(coveringCounter(spec, filter)).toEqual(expected);
  });
});

const connectedKey: CounterKey = { ...rows('instances', 'managed'), facet: 'connected' };
const hidden = [{ tag: { key: 'env' } }];

const totals: Array<[string, CountSpec, Parameters<typeof countedTotal>[1], CountedTotal | undefined]> = [
  ['no flag asked: the covering counter', INSTANCE_COUNTS, managed({ tags: [prod] }), { counter: tag('instances', 'env', 'prod', 'managed') }],
  ['no counter covers it: COUNT(*)', INSTANCE_COUNTS, managed({ name: 'web' }), undefined],
  ['Connected=true: the connected counter', INSTANCE_COUNTS, managed({ connected: true }), { counter: connectedKey }],
  ['Connected=false: the rows less the connected', INSTANCE_COUNTS, managed({ connected: false }), { counter: rows('instances', 'managed'), lessCounter: connectedKey }],
  ['Connected=false with no fault hiding any: the same', INSTANCE_COUNTS, managed({ connected: false, offline: [] }), { counter: rows('instances', 'managed'), lessCounter: connectedKey }],
  ['Connected=true while faults hide some: COUNT(*) (the connected range)', INSTANCE_COUNTS, managed({ connected: true, offline: hidden }), undefined],
  ['Connected=false while faults hide some: the rows less Connected=true\'s COUNT', INSTANCE_COUNTS, managed({ connected: false, offline: hidden }), { counter: rows('instances', 'managed'), lessFlagTrue: true }],
  ['Connected with a tag: COUNT(*) (no counter of both)', INSTANCE_COUNTS, managed({ connected: false, tags: [prod] }), undefined],
  ['Connected with InstanceName: COUNT(*)', INSTANCE_COUNTS, managed({ connected: true, name: 'web' }), undefined],
  ['Connected row by row: COUNT by the walk', INSTANCE_COUNTS, managed({ keep: () => true }), undefined],
  ['faults named without Connected: COUNT(*)', INSTANCE_COUNTS, managed({ offline: hidden }), undefined],
  ['a table without the flag: its field is a filter like any other', INVOCATION_COUNTS, { regionId: R, tags: [], connected: true } as InvocationFilter, undefined],
];

describe('how a TotalCount comes from the counters (Connected included)', () => {
  it.each(totals)('%s', (_name, spec, filter, expected) => {
    expect(countedTotal(spec, filter)).toEqual(expected);
  });
});
