import type { InstanceSelector } from '../domain/instance-selector.js';
import type { Tag } from '../domain/tag.js';
import type { Fault, FaultInput, FaultKind } from './fault-spec.js';

/**
 * Which fault fires, as pure functions of the faults, the occasion, the time and a random roll
 * (test/unit/fault-rules.test.ts is the table). The registry applies the result.
 */

/** What an API fault is matched on. */
export interface ApiCallFacts {
  action: string;
  regionId: string;
  accessKeyId: string;
}

/** What an instance fault is matched on. */
export interface InstanceFacts {
  instanceId: string;
  tags: readonly Tag[];
}

export type Occasion = { kind: 'api'; call: ApiCallFacts } | { kind: 'instance'; instance: InstanceFacts };

/** Still in force: not expired and not used up. */
export function isLive(fault: Pick<Fault, 'expiresAtMs' | 'remaining'>, nowMs: number): boolean {
  return (fault.expiresAtMs === null || nowMs < fault.expiresAtMs) && (fault.remaining === null || fault.remaining > 0);
}

/** Action, region and key each match when the fault leaves them out or names the same one (actions and keys exactly, regions too). */
export function matchesApiCall(spec: FaultInput, call: ApiCallFacts): boolean {
  if (spec.kind !== 'api-error' && spec.kind !== 'api-latency') return false;
  return (
    (spec.action === undefined || spec.action === call.action) &&
    (spec.regionId === undefined || spec.regionId === call.regionId) &&
    (spec.accessKeyId === undefined || spec.accessKeyId === call.accessKeyId)
  );
}

/** By ID (any of `instanceIds`), by tag (its key, and its value when given), or every instance. */
export function matchesInstance(spec: FaultInput, instance: InstanceFacts): boolean {
  if (spec.kind === 'api-error' || spec.kind === 'api-latency') return false;
  if (spec.instanceIds !== undefined && !spec.instanceIds.includes(instance.instanceId)) return false;
  if (spec.tag !== undefined) {
    const { key, value } = spec.tag;
    if (!instance.tags.some((t) => t.key === key && (value === undefined || t.value === value))) return false;
  }
  return true;
}

/**
 * The instances an instance fault's scope matches, as a selector (the store filters on it in SQL,
 * store/selector-where.ts): the same rule as `matchesInstance`.
 */
export function instanceSelectorOf(scope: { instanceIds?: readonly string[]; tag?: { key: string; value?: string } }): InstanceSelector {
  return {
    ...(scope.instanceIds !== undefined ? { instanceIds: scope.instanceIds } : {}),
    ...(scope.tag !== undefined ? { tag: scope.tag.value !== undefined ? { key: scope.tag.key, value: scope.tag.value } : { key: scope.tag.key } } : {}),
  };
}

export function matchesOccasion(spec: FaultInput, occasion: Occasion): boolean {
  return occasion.kind === 'api' ? matchesApiCall(spec, occasion.call) : matchesInstance(spec, occasion.instance);
}

/**
 * The fault of `kind` that fires on this occasion: the oldest live one that matches and whose
 * roll comes under its probability (each matching fault rolls once, oldest first).
 */
export function choose(faults: readonly Fault[], kind: FaultKind, occasion: Occasion, nowMs: number, roll: () => number): Fault | undefined {
  for (const fault of faults) {
    if (fault.spec.kind !== kind || !isLive(fault, nowMs) || !matchesOccasion(fault.spec, occasion)) continue;
    const probability = 'probability' in fault.spec && fault.spec.probability !== undefined ? fault.spec.probability : 1;
    if (probability >= 1 || roll() < probability) return fault;
  }
  return undefined;
}

/** The fault after it fired once: one fewer left (when counted), one more fired. */
export function afterFiring(fault: Fault): Pick<Fault, 'remaining' | 'fired'> {
  return { remaining: fault.remaining === null ? null : Math.max(0, fault.remaining - 1), fired: fault.fired + 1 };
}
