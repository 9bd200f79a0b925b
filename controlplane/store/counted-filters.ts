import type { Tag } from '../domain/tag.js';

/**
 * What the store counts of one table as it is written (row-counts.ts keeps the counters), so that
 * a TotalCount a counter covers is one primary-key read instead of a COUNT(*) over a region's index.
 * Three facets per scope (the region, and the kind where the listings count one kind at a time):
 * - `rows`: the rows that count;
 * - `tag`: their tag rows with one key and value (what a Tag.N filter with a value matches);
 * - `tag_key`: their tag rows with one key (what a key-only Tag.N filter matches).
 * Each is the number a COUNT(*) of that filter gives (the tag driver's join counts tag rows).
 */
export interface CountSpec {
  /** The table (and the `kind` of its rows in `tags`). */
  table: string;
  /** Counted per kind too (the `kind` column: DescribeManagedInstances and DescribeInstances). */
  byKind?: true;
  /**
   * Which rows count, besides having a region (and a kind): the condition every listing of the
   * table adds (registered instances: not deregistered), as SQL on a row alias, written so that
   * it is true or false, never NULL (`IS`); `columns` are the ones it reads.
   */
  only?: { columns: readonly string[]; condition: (row: string) => string };
}

/** One counter of `row_counts` (row-counts.ts). */
export interface CounterKey {
  table: string;
  facet: 'rows' | 'tag' | 'tag_key';
  regionId: string;
  /** '' for a table not counted by kind. */
  kind: string;
  /** '' for `rows`. */
  tagKey: string;
  /** '' for `rows` and `tag_key`. */
  tagValue: string;
}

/** What a counter's scope is made of (and `kind` for a table counted by kind); a filter with any other field set is not covered. */
const SCOPE_FIELDS: ReadonlySet<string> = new Set(['regionId', 'tags']);

/**
 * The counter whose value is the TotalCount of `filter` on the table `spec` counts, or undefined
 * when no counter covers it (then the listing counts its index entries). Covered: the region
 * (and the kind, for a table counted by kind) with at most one Tag.N, and nothing else: a field
 * of the filter that is set and not one of those (InvokeStatus, Connected, a row-by-row check …),
 * also one added to a filter later, leaves the count to COUNT(*).
 */
export function coveringCounter(spec: CountSpec, filter: { regionId: string; kind?: string; tags: readonly Tag[] }): CounterKey | undefined {
  for (const [field, value] of Object.entries(filter)) {
    if (value !== undefined && !SCOPE_FIELDS.has(field) && !(field === 'kind' && spec.byKind)) return undefined;
  }
  if (spec.byKind && filter.kind === undefined) return undefined;
  const scope = { table: spec.table, regionId: filter.regionId, kind: filter.kind ?? '' };
  const [tag, ...more] = filter.tags;
  if (more.length > 0) return undefined;
  if (tag === undefined) return { ...scope, facet: 'rows', tagKey: '', tagValue: '' };
  // An empty value matches any value of the key (the Tag.N filters' rule, sql-where.ts).
  if (tag.value === '') return { ...scope, facet: 'tag_key', tagKey: tag.key, tagValue: '' };
  return { ...scope, facet: 'tag', tagKey: tag.key, tagValue: tag.value };
}
