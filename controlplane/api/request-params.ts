/** The request's parameters: query and form body merged, percent-decoded (spec §1.1, sdk-wire §7). */
export type RawParams = ReadonlyMap<string, string>;

/** Query pairs first, then body pairs: a body value wins over a query value of the same name. */
export function mergeParams(query: ReadonlyArray<readonly [string, string]>, body: ReadonlyArray<readonly [string, string]>): RawParams {
  return new Map([...query, ...body]);
}

/** Values of `Name.1`, `Name.2`, … in index order (gaps allowed), ignoring empty values. */
export function repeatedList(params: RawParams, name: string): string[] {
  const pattern = new RegExp(`^${name.replace('.', '\\.')}\\.(\\d+)$`);
  const indexed: Array<[number, string]> = [];
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (match) indexed.push([Number(match[1]), value]);
  }
  return indexed.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/** `Tag.N.Key` / `Tag.N.Value` pairs in index order; a Value without Key gives key undefined. */
export function repeatedTags(params: RawParams, name: string): Array<{ key: string | undefined; value: string }> {
  const pattern = new RegExp(`^${name}\\.(\\d+)\\.(Key|Value)$`);
  const byIndex = new Map<number, { key: string | undefined; value: string }>();
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const entry = byIndex.get(index) ?? { key: undefined, value: '' };
    if (match[2] === 'Key') entry.key = value;
    else entry.value = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, tag]) => tag);
}
