import { describe, expect, it } from 'vitest';
import { afterFiring, choose, isLive, matchesApiCall, matchesInstance, type Occasion } from '../../controlplane/faults/fault-rules.js';
import { parseFaultInput, type Fault, type FaultInput } from '../../controlplane/faults/fault-spec.js';

const NOW = 1_000_000;
const call = { action: 'RunCommand', regionId: 'cn-hangzhou', accessKeyId: 'key-a' };
const web = { instanceId: 'i-web', tags: [{ key: 'role', value: 'web' }] };
const db = { instanceId: 'i-db', tags: [{ key: 'role', value: 'db' }, { key: 'env', value: '' }] };

function fault(spec: FaultInput, patch: Partial<Fault> = {}): Fault {
  return { id: `flt-${spec.kind}`, spec, createdTime: '', expiresAtMs: null, remaining: null, fired: 0, ...patch };
}

describe('isLive', () => {
  it.each([
    ['no expiry, not counted', null, null, true],
    ['expires later', NOW + 1, null, true],
    ['expires now', NOW, null, false],
    ['expired', NOW - 1, null, false],
    ['count left', null, 1, true],
    ['count used up', null, 0, false],
    ['count left but expired', NOW - 1, 3, false],
  ] as const)('%s → %s', (_name, expiresAtMs, remaining, live) => {
    expect(isLive({ expiresAtMs, remaining }, NOW)).toBe(live);
  });
});

describe('matchesApiCall', () => {
  const error = (scope: Partial<Record<'action' | 'regionId' | 'accessKeyId', string>>): FaultInput => ({ kind: 'api-error', code: 'Throttling', ...scope });
  it.each([
    ['every call', {}, true],
    ['the action', { action: 'RunCommand' }, true],
    ['another action', { action: 'DescribeRegions' }, false],
    ['action names are exact (case)', { action: 'runcommand' }, false],
    ['the region', { regionId: 'cn-hangzhou' }, true],
    ['another region', { regionId: 'cn-beijing' }, false],
    ['the key', { accessKeyId: 'key-a' }, true],
    ['another key', { accessKeyId: 'key-b' }, false],
    ['all three', { action: 'RunCommand', regionId: 'cn-hangzhou', accessKeyId: 'key-a' }, true],
    ['all three, one off', { action: 'RunCommand', regionId: 'cn-hangzhou', accessKeyId: 'key-b' }, false],
  ] as const)('%s → %s', (_name, scope, matches) => {
    expect(matchesApiCall(error(scope), call)).toBe(matches);
  });

  it('never matches an instance fault', () => {
    expect(matchesApiCall({ kind: 'delivery-loss' }, call)).toBe(false);
  });
});

describe('matchesInstance', () => {
  it.each([
    ['all instances', {}, web, true],
    ['by ID', { instanceIds: ['i-web'] }, web, true],
    ['by ID, another', { instanceIds: ['i-db'] }, web, false],
    ['by tag key and value', { tag: { key: 'role', value: 'web' } }, web, true],
    ['by tag key, other value', { tag: { key: 'role', value: 'web' } }, db, false],
    ['by tag key only', { tag: { key: 'role' } }, db, true],
    ['by tag key with empty value', { tag: { key: 'env', value: '' } }, db, true],
    ['by a key it lacks', { tag: { key: 'env' } }, web, false],
    ['ID and tag both needed', { instanceIds: ['i-web'], tag: { key: 'role', value: 'db' } }, web, false],
  ] satisfies Array<[string, Pick<Extract<FaultInput, { kind: 'agent-offline' }>, 'instanceIds' | 'tag'>, typeof web, boolean]>)('%s → %s', (_name, scope, instance, matches) => {
    expect(matchesInstance({ kind: 'agent-offline', ...scope }, instance)).toBe(matches);
  });

  it('never matches an API fault', () => {
    expect(matchesInstance({ kind: 'api-latency', latencyMs: 1 }, web)).toBe(false);
  });
});

describe('choose', () => {
  const onWeb: Occasion = { kind: 'instance', instance: web };
  const loss = (patch: Partial<Fault> = {}, probability?: number): Fault => fault({ kind: 'delivery-loss', ...(probability === undefined ? {} : { probability }) }, patch);

  it('picks the oldest live matching fault of the kind', () => {
    const used = loss({ id: 'used', remaining: 0 });
    const other = fault({ kind: 'delivery-loss', instanceIds: ['i-db'] }, { id: 'other' });
    const first = loss({ id: 'first' });
    const second = loss({ id: 'second' });
    expect(choose([used, other, first, second], 'delivery-loss', onWeb, NOW, () => 0.5)?.id).toBe('first');
  });

  it('ignores faults of another kind', () => {
    expect(choose([fault({ kind: 'delivery-delay', seconds: 1 })], 'delivery-loss', onWeb, NOW, () => 0)).toBeUndefined();
  });

  it.each([
    [0.3, 0.29, true],
    [0.3, 0.3, false],
    [0, 0, false],
    [1, 0.999, true],
  ] as const)('probability %s with a roll of %s fires: %s', (probability, roll, fires) => {
    expect(choose([loss({}, probability)], 'delivery-loss', onWeb, NOW, () => roll) !== undefined).toBe(fires);
  });

  it('rolls for the next matching fault when the first one does not fire', () => {
    const rolls = [0.9, 0.1];
    const picked = choose([loss({ id: 'a' }, 0.5), loss({ id: 'b' }, 0.5)], 'delivery-loss', onWeb, NOW, () => rolls.shift() ?? 1);
    expect(picked?.id).toBe('b');
  });
});

describe('afterFiring', () => {
  it.each([
    [null, 0, null, 1],
    [3, 0, 2, 1],
    [1, 4, 0, 5],
  ] as const)('remaining %s, fired %s → remaining %s, fired %s', (remaining, fired, left, total) => {
    expect(afterFiring(fault({ kind: 'delivery-loss' }, { remaining, fired }))).toEqual({ remaining: left, fired: total });
  });
});

describe('parseFaultInput (hostile admin input)', () => {
  it.each([
    [{ kind: 'api-error', action: 'RunCommand', code: 'Throttling', count: 2 }],
    [{ kind: 'api-latency', latencyMs: 1500, probability: 0.5, ttlSeconds: 60 }],
    [{ kind: 'agent-offline', tag: { key: 'role', value: 'web' }, ttlSeconds: 30 }],
    [{ kind: 'delivery-delay', instanceIds: ['i-1'], seconds: 10 }],
    [{ kind: 'clock-skew', seconds: -300 }],
    [{ kind: 'exit-code', exitCode: 0 }],
  ])('accepts %j', (input) => {
    expect(parseFaultInput(input)).toEqual({ ok: true, spec: input });
  });

  it.each([
    ['not an object', 'Throttling', /expected object/i],
    ['an unknown kind', { kind: 'meteor' }, /kind/],
    ['a code outside the catalog', { kind: 'api-error', code: 'NoSuchCode' }, /^code: /],
    ['an unknown key', { kind: 'delivery-loss', instanceId: 'i-1' }, /instanceId/],
    ['a count on a state fault', { kind: 'agent-offline', count: 1 }, /count/],
    ['a probability over 1', { kind: 'delivery-loss', probability: 2 }, /^probability: /],
    ['a negative delay', { kind: 'delivery-delay', seconds: -1 }, /^seconds: /],
    ['a delay over a day', { kind: 'slow-start', seconds: 86_401 }, /^seconds: /],
    ['a fractional count', { kind: 'exit-code', exitCode: 1, count: 1.5 }, /^count: /],
    ['an exit code over 255', { kind: 'exit-code', exitCode: 256 }, /^exitCode: /],
    ['an instance ID with a space', { kind: 'delivery-loss', instanceIds: ['i 1'] }, /^instanceIds\.0: /],
    ['an empty ID list', { kind: 'delivery-loss', instanceIds: [] }, /^instanceIds: /],
  ])('refuses %s', (_name, input, reason) => {
    const parsed = parseFaultInput(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
