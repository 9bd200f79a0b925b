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
  /**
   * A 0/1 column whose 1s among the rows that count are counted too (facet = the column), and
   * the filter fields that ask for it (`field`, a boolean) and name rows that count as 0 whatever
   * the column says (`overriddenBy`): instances' `connected`, Connected, agent-offline faults.
   */
  flag?: { column: string; field: string; overriddenBy: string };
  /** Its tags are not counted (a table without tags: the run rows). */
  noTags?: true;
  /**
   * Counted by the store's write path (store.ts, retention-purge.ts), not by triggers: the run
   * rows, of which a RunCommand adds one per instance (a trigger makes SQLite journal each
   * statement that fires it, some 15–20 µs).
   */
  keptByStore?: true;
}

/** One counter of `row_counts` (row-counts.ts). */
export interface CounterKey {
  table: string;
  /** 'rows', 'tag', 'tag_key', or a flag's column. */
  facet: string;
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
  if (spec.noTags && filter.tags.length > 0) return undefined;
  const scope = { table: spec.table, regionId: filter.regionId, kind: filter.kind ?? '' };
  const [tag, ...more] = filter.tags;
  if (more.length > 0) return undefined;
  if (tag === undefined) return { ...scope, facet: 'rows', tagKey: '', tagValue: '' };
  // An empty value matches any value of the key (the Tag.N filters' rule, sql-where.ts).
  if (tag.value === '') return { ...scope, facet: 'tag_key', tagKey: tag.key, tagValue: '' };
  return { ...scope, facet: 'tag', tagKey: tag.key, tagValue: tag.value };
}

/**
 * A TotalCount from the counters: `counter`, less `lessCounter`, less (`lessFlagTrue`) the
 * TotalCount of the same filter with the flag true (a COUNT of the flag's index range).
 */
export interface CountedTotal {
  counter: CounterKey;
  lessCounter?: CounterKey;
  lessFlagTrue?: true;
}

/**
 * How the TotalCount of `filter` comes from the counters, or undefined (its COUNT(*)). Without
 * the flag's field: the covering counter. With it (Connected), on the region and kind alone:
 * true is the flag's counter and false the rows less it; while some rows count as 0 whatever
 * the column says (`overriddenBy`: agent-offline faults), true is left to its COUNT (a range of
 * the flag's index, small while few agents are connected) and false is the rows less that.
 * The flag with a tag, or anything else, is not covered.
 */
export function countedTotal(spec: CountSpec, filter: { regionId: string; kind?: string; tags: readonly Tag[] }): CountedTotal | undefined {
  const flag = spec.flag;
  const fields = filter as Readonly<Record<string, unknown>>;
  if (flag === undefined || fields[flag.field] === undefined) {
    const counter = coveringCounter(spec, filter);
    return counter && { counter };
  }
  const { [flag.field]: value, [flag.overriddenBy]: overrides, ...rest } = fields;
  const rows = coveringCounter(spec, rest as typeof filter);
  if (rows === undefined || rows.facet !== 'rows' || typeof value !== 'boolean') return undefined;
  const flagged: CounterKey = { ...rows, facet: flag.column };
  const overridden = Array.isArray(overrides) && overrides.length > 0;
  if (value) return overridden ? undefined : { counter: flagged };
  return overridden ? { counter: rows, lessFlagTrue: true } : { counter: rows, lessCounter: flagged };
}
