/** The records of `SELECT doc …` rows, parsed (every table keeps its record as JSON in `doc`). */
export function documentsOf<T>(rows: unknown[]): T[] {
  return (rows as Array<{ doc: string }>).map((row) => JSON.parse(row.doc) as T);
}
