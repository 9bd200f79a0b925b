/**
 * How a store query pages. With `after` (the cursor of the previous page's last row) it is a
 * keyset scan that reads only the rows it returns plus one; without, it skips `offset` rows
 * (PageNumber paging, and NextTokens of the older offset-only form). `countTotal` adds the
 * TotalCount (only in PageNumber mode): a counter's value when one covers the filter
 * (row-counts.ts), else a COUNT(*) with the same filter, on the same index.
 */
export interface PageSpec {
  offset: number;
  limit: number;
  after?: readonly number[];
  countTotal: boolean;
}

export interface StorePage<T> {
  items: T[];
  total: number | undefined;
  /** The cursor of the last row returned, when more rows follow. */
  next: readonly number[] | undefined;
}

/** A page of the first `limit` rows of `rows` (fetched with `limit + 1`). */
export function pageOfRows<R, T>(rows: readonly R[], spec: PageSpec, cursorOf: (row: R) => readonly number[], map: (row: R) => T, total: number | undefined): StorePage<T> {
  const kept = rows.slice(0, spec.limit);
  const more = spec.after !== undefined || total === undefined ? rows.length > spec.limit : spec.offset + spec.limit < total;
  const last = kept[kept.length - 1];
  return { items: kept.map(map), total, next: more && last !== undefined ? cursorOf(last) : undefined };
}
