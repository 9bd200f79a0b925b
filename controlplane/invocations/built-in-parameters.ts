/**
 * Built-in parameters `{{ACS::Name}}` (spec §17.2, Decisions §9), resolved for each instance
 * when the command has EnableParameter=true, as the real agent does. Pure.
 */
export const BUILT_IN_NAMES = ['RegionId', 'AccountId', 'InstanceId', 'InstanceName', 'InvokeId', 'CommandId'] as const;
export type BuiltInName = (typeof BUILT_IN_NAMES)[number];
export type BuiltInValues = Record<BuiltInName, string>;

/** The agent's pattern: `ACS` in capitals, spaces allowed around `::`. `|Ext(…)` never matches. */
const BUILT_IN = /\{\{\s*ACS\s*::\s*([\w.-]+)\s*\}\}/g;
/** Only meaningful in a Launcher, where the agent itself resolves it. */
const LEFT_FOR_THE_AGENT = new Set(['ScriptFileName']);

export type BuiltInResult = { ok: true; text: string } | { ok: false; unknownName: string };

export function resolveBuiltIns(text: string, values: BuiltInValues): BuiltInResult {
  let unknownName: string | undefined;
  const resolved = text.replace(BUILT_IN, (whole, name: string) => {
    if ((BUILT_IN_NAMES as readonly string[]).includes(name)) return values[name as BuiltInName];
    if (!LEFT_FOR_THE_AGENT.has(name)) unknownName ??= name;
    return whole;
  });
  return unknownName === undefined ? { ok: true, text: resolved } : { ok: false, unknownName };
}

const OOS_REFERENCE = /\{\{\s*oos(-secret)?\s*:\s*[\w.-]+\s*\}\}/;

/** `{{oos:name}}` / `{{oos-secret:name}}`: OOS Parameter Store references (spec §17.3). */
export function usesParameterStore(text: string): boolean {
  return OOS_REFERENCE.test(text);
}
