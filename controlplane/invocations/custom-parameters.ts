import { openRecord } from '../../shared/open-record.js';
import { domainError } from '../domain/domain-error.js';

/** `{{ name }}` (Alibaba) and `<<name>>` (design card alias); whitespace around the name is ignored. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}|<<\s*([^<>]*?)\s*>>/g;
const NAME = /^[A-Za-z0-9_-]+$/;
const BUILT_IN = /^ACS::/;
const OOS = /^oos(-secret)?:/;

export const MAX_PARAMETERS_PER_COMMAND = 20;
export const MAX_PARAMETER_NAME_BYTES = 64;
export const MAX_PARAMETERS_PER_INVOCATION = 10;

/**
 * The custom parameter names used in `content`, in first-appearance order, de-duplicated
 * case-insensitively (spec §17.1). Built-ins (`ACS::…`) and OOS references are not listed.
 * Throws the CreateCommand errors of spec §17.4 for bad names.
 */
export function parameterNames(content: string): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  let builtIns = 0;
  for (const match of content.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? match[2] ?? '';
    if (name === '') throw domainError('CmdParam.EmptyKey');
    if (BUILT_IN.test(name)) {
      builtIns += 1;
      continue;
    }
    if (OOS.test(name)) continue;
    if (!NAME.test(name)) throw domainError('CmdParam.InvalidParamName');
    if (Buffer.byteLength(name) > MAX_PARAMETER_NAME_BYTES) throw domainError('CmdParamName.ExceedLimit');
    const key = name.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      names.push(name);
    }
  }
  if (names.length + builtIns > MAX_PARAMETERS_PER_COMMAND) throw domainError('CmdParamCount.ExceedLimit');
  return names;
}

/**
 * Checks the `Parameters` of an invocation against the command's names (spec §17.4) and
 * returns them as strings.
 */
export function checkInvocationParameters(
  given: Record<string, unknown>,
  definedNames: readonly string[],
): Record<string, string> {
  const entries = Object.entries(given);
  if (entries.length > MAX_PARAMETERS_PER_INVOCATION) throw domainError('ParameterCount.ExceedLimit');
  const defined = new Set(definedNames.map((n) => n.toLowerCase()));
  const seen = new Set<string>();
  const result = openRecord<string>(); // `__proto__` is a name like any other
  for (const [key, value] of entries) {
    if (key === '') throw domainError('InvalidParameter.Parameters');
    if ([...key].length > MAX_PARAMETER_NAME_BYTES) throw domainError('ParameterKey.ExceedLimit');
    const lower = key.toLowerCase();
    if (seen.has(lower)) throw domainError('ParameterKey.Duplicate');
    seen.add(lower);
    if (!defined.has(lower)) throw domainError('Parameter.NotMatched');
    if (typeof value !== 'string') throw domainError('ParameterType.NotSupported');
    result[key] = value;
  }
  return result;
}

/**
 * Replaces each custom placeholder with its value ("" when not passed); names match
 * case-insensitively. Built-in and OOS placeholders are left for the instance.
 */
export function substituteParameters(content: string, values: Record<string, string>): string {
  const byName = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return content.replace(PLACEHOLDER, (whole, curly: string | undefined, angle: string | undefined) => {
    const name = curly ?? angle ?? '';
    if (BUILT_IN.test(name) || OOS.test(name) || !NAME.test(name)) return whole;
    return byName.get(name.toLowerCase()) ?? '';
  });
}
