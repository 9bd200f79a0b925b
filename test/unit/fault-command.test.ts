import { describe, expect, it } from 'vitest';
import { faultSpecOf, formatFault, type FaultAddOptions } from '../../cli/fault-commands.js';
import { parseFaultInput } from '../../controlplane/faults/fault-spec.js';

const base: FaultAddOptions = { server: 'http://127.0.0.1:8484', instance: [] };

describe('casim fault add: flags to a fault', () => {
  it.each([
    ['api-error', { action: 'RunCommand', code: 'Throttling', count: '2' }, { kind: 'api-error', action: 'RunCommand', code: 'Throttling', count: 2 }],
    ['api-latency', { region: 'cn-beijing', accessKey: 'k', latencyMs: '1500', probability: '0.5' }, { kind: 'api-latency', regionId: 'cn-beijing', accessKeyId: 'k', latencyMs: 1500, probability: 0.5 }],
    ['agent-offline', { tag: 'role=web', ttl: '120' }, { kind: 'agent-offline', tag: { key: 'role', value: 'web' }, ttlSeconds: 120 }],
    ['agent-offline', { tag: 'role' }, { kind: 'agent-offline', tag: { key: 'role' } }],
    ['delivery-loss', { instance: ['i-1', 'i-2'] }, { kind: 'delivery-loss', instanceIds: ['i-1', 'i-2'] }],
    ['clock-skew', { seconds: '-300' }, { kind: 'clock-skew', seconds: -300 }],
    ['agent-crash', { afterSeconds: '5' }, { kind: 'agent-crash', afterSeconds: 5 }],
  ] as const)('%s %j', (kind, flags, spec) => {
    const built = faultSpecOf(kind, { ...base, ...flags, instance: 'instance' in flags ? [...flags.instance] : [] });
    expect(built).toEqual(spec);
    expect(parseFaultInput(built).ok).toBe(true);
  });

  it('takes --json as it is (the server validates it)', () => {
    expect(faultSpecOf(undefined, { ...base, json: '{"kind":"exit-code","exitCode":1}' })).toEqual({ kind: 'exit-code', exitCode: 1 });
  });

  it('lists a fault on one line', () => {
    expect(formatFault({ id: 'flt-1', kind: 'delivery-loss', instanceIds: ['i-1'], createdTime: 'x', expireTime: null, remaining: 1, fired: 0 })).toBe(
      'flt-1  delivery-loss  {"instanceIds":["i-1"]}  fired 0, 1 left',
    );
  });
});
