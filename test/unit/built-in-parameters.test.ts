import { describe, expect, it } from 'vitest';
import { resolveBuiltIns, usesParameterStore, type BuiltInValues } from '../../controlplane/invocations/built-in-parameters.js';

const values: BuiltInValues = {
  RegionId: 'cn-hangzhou',
  AccountId: '42',
  InstanceId: 'i-1',
  InstanceName: 'web',
  InvokeId: 't-1',
  CommandId: 'c-1',
};

describe('resolveBuiltIns (spec §17.2)', () => {
  it.each([
    ['{{ACS::InstanceId}} {{ ACS :: InstanceName }}', 'i-1 web'],
    ['{{ACS::RegionId}}/{{ACS::AccountId}}/{{ACS::InvokeId}}/{{ACS::CommandId}}', 'cn-hangzhou/42/t-1/c-1'],
    ['python3 {{ACS::ScriptFileName|Ext(".py")}}', 'python3 {{ACS::ScriptFileName|Ext(".py")}}'],
    ['{{ACS::ScriptFileName}}', '{{ACS::ScriptFileName}}'],
    ['no placeholders', 'no placeholders'],
  ])('resolves %s to %s', (text, expected) => {
    expect(resolveBuiltIns(text, values)).toEqual({ ok: true, text: expected });
  });
  it('names the first unknown built-in', () => {
    expect(resolveBuiltIns('{{ACS::InstanceId}} {{ACS::OSType}} {{ACS::Nope}}', values)).toEqual({ ok: false, unknownName: 'OSType' });
  });
});

describe('usesParameterStore (spec §17.3)', () => {
  it.each([
    ['{{oos:db-password}}', true],
    ['{{ oos-secret : key }}', true],
    ['{{oosx:name}}', false],
    ['{{name}}', false],
  ])('%s → %s', (text, expected) => {
    expect(usesParameterStore(text)).toBe(expected);
  });
});
