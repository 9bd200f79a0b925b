import type { InstanceSelector } from '../domain/instance-selector.js';
import type { SqlValue } from './document-table.js';

/**
 * Whether the instance row `row` (an alias of `instances`) is in any of `selectors`, as one SQL
 * condition (false for none): the instance-fault match of fault-rules.ts in SQL. A tag without
 * a value matches any value, and an empty value only an empty one (unlike a Tag.N filter, where
 * an empty value means any). Its tags are found as the tag driver finds them, by the row's seq
 * (tags.seq), each one index probe: (kind, tag_key, tag_value, seq) or (kind, tag_key, seq).
 */
export function anySelected(row: string, selectors: readonly InstanceSelector[]): { sql: string; params: SqlValue[] } {
  if (selectors.length === 0) return { sql: '1 = 0', params: [] };
  const params: SqlValue[] = [];
  const marks = (ids: readonly string[]): string => ids.map(() => '?').join(', ');
  const alternatives = selectors.map((selector) => {
    const parts: string[] = [];
    if (selector.instanceIds !== undefined) {
      parts.push(selector.instanceIds.length === 0 ? '1 = 0' : `${row}.id IN (${marks(selector.instanceIds)})`);
      params.push(...selector.instanceIds);
    }
    if (selector.tag !== undefined) {
      const { key, value } = selector.tag;
      parts.push(`EXISTS (SELECT 1 FROM tags g WHERE g.kind = 'instances' AND g.tag_key = ?${value !== undefined ? ' AND g.tag_value = ?' : ''} AND g.seq = ${row}.seq)`);
      params.push(key, ...(value !== undefined ? [value] : []));
    }
    if (selector.exceptIds !== undefined && selector.exceptIds.length > 0) {
      parts.push(`${row}.id NOT IN (${marks(selector.exceptIds)})`);
      params.push(...selector.exceptIds);
    }
    return parts.length === 0 ? '1 = 1' : `(${parts.join(' AND ')})`;
  });
  return { sql: `(${alternatives.join(' OR ')})`, params };
}
