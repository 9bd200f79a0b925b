import type { Tag } from './param-spec.js';

/**
 * The Tag.N filter of the Describe* operations (and ResourceTag.N selection): every wanted key
 * is present, with the wanted value unless that value is empty. Pure.
 */
export function matchesTags(have: readonly Tag[], wanted: readonly Tag[]): boolean {
  return wanted.every((w) => have.some((h) => h.key === w.key && (w.value === '' || h.value === w.value)));
}
