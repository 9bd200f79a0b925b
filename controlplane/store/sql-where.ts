import type { SqlValue } from './document-table.js';

/** A conjunction of SQL conditions and their parameters, built up by a query (never from input text). */
export class SqlWhere {
  private readonly parts: string[] = [];
  readonly params: SqlValue[] = [];

  add(condition: string, ...params: SqlValue[]): this {
    this.parts.push(condition);
    this.params.push(...params);
    return this;
  }

  /** `column IN (…)`; an empty set matches nothing. */
  in(column: string, values: readonly SqlValue[]): this {
    if (values.length === 0) return this.add('1 = 0');
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }

  /** Every wanted tag is on the row (an empty value matches any value of the key). */
  tags(kind: string, idColumn: string, wanted: readonly { key: string; value: string }[]): this {
    for (const tag of wanted) {
      if (tag.value === '') this.add(`${idColumn} IN (SELECT id FROM tags WHERE kind = '${kind}' AND tag_key = ?)`, tag.key);
      else this.add(`${idColumn} IN (SELECT id FROM tags WHERE kind = '${kind}' AND tag_key = ? AND tag_value = ?)`, tag.key, tag.value);
    }
    return this;
  }

  /**
   * The join that lets the first wanted tag drive a query: its rows newest first on the tags
   * index (`alias.seq` is the tagged row's seq). The conditions go into this WHERE.
   */
  tagDriver(kind: string, alias: string, tag: { key: string; value: string }): this {
    this.add(`${alias}.kind = '${kind}'`).add(`${alias}.tag_key = ?`, tag.key);
    if (tag.value !== '') this.add(`${alias}.tag_value = ?`, tag.value);
    return this;
  }

  toString(): string {
    return this.parts.length === 0 ? '1 = 1' : this.parts.join(' AND ');
  }
}
