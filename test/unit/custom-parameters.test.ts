import { describe, expect, it } from 'vitest';
import {
  checkInvocationParameters,
  parameterNames,
  substituteParameters,
} from '../../controlplane/invocations/custom-parameters.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('parameterNames (spec §17.1)', () => {
  it('lists {{name}} and <<name>> placeholders once, case-insensitively, in order', () => {
    expect(parameterNames('echo {{ name }} <<Count>> {{NAME}} {{ACS::InstanceId}} {{oos:pw}}')).toEqual(['name', 'Count']);
  });
  it.each([
    ['echo {{}}', 'CmdParam.EmptyKey'],
    ['echo {{bad name}}', 'CmdParam.InvalidParamName'],
    ['echo {{' + 'a'.repeat(65) + '}}', 'CmdParamName.ExceedLimit'],
    [Array.from({ length: 21 }, (_, i) => `{{p${i}}}`).join(' '), 'CmdParamCount.ExceedLimit'],
  ])('rejects %s with %s', (content, code) => {
    expect(codeOf(() => parameterNames(content))).toBe(code);
  });
});

describe('substituteParameters', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['echo {{name}}', { name: 'Jack' }, 'echo Jack'],
    ['echo <<name>>', { name: 'Jack' }, 'echo Jack'],
    ['echo {{ NAME }}-<<name>>', { name: 'x' }, 'echo x-x'],
    ['echo [{{missing}}]', {}, 'echo []'],
    ['echo {{ACS::InstanceId}}', {}, 'echo {{ACS::InstanceId}}'],
    ['echo {{name}}', { name: '$(id) & {{name}}' }, 'echo $(id) & {{name}}'],
  ];
  it.each(cases)('turns %s with %j into %s', (content, values, expected) => {
    expect(substituteParameters(content, values)).toBe(expected);
  });
});

describe('checkInvocationParameters (spec §17.4)', () => {
  it('accepts defined names with string values', () => {
    expect(checkInvocationParameters({ Name: 'a' }, ['name'])).toEqual({ Name: 'a' });
  });
  it('keeps a parameter named __proto__ as an entry like any other', () => {
    const given = JSON.parse('{"__proto__":"hello","b":"world"}') as Record<string, unknown>;
    const checked = checkInvocationParameters(given, ['__proto__', 'b']);
    expect(Object.entries(checked)).toEqual([['__proto__', 'hello'], ['b', 'world']]);
    expect(JSON.stringify(checked)).toBe('{"__proto__":"hello","b":"world"}');
    expect(substituteParameters('A={{__proto__}} B={{b}}', checked)).toBe('A=hello B=world');
  });
  it.each([
    [Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}`, 'v'])), 'ParameterCount.ExceedLimit'],
    [{ ['k'.repeat(65)]: 'v' }, 'ParameterKey.ExceedLimit'],
    [{ name: 'a', NAME: 'b' }, 'ParameterKey.Duplicate'],
    [{ other: 'a' }, 'Parameter.NotMatched'],
    [{ name: 3 }, 'ParameterType.NotSupported'],
  ])('rejects %j with %s', (given, code) => {
    const defined = ['name', ...Array.from({ length: 11 }, (_, i) => `p${i}`), 'k'.repeat(65)];
    expect(codeOf(() => checkInvocationParameters(given, defined))).toBe(code);
  });
});
