/**
 * SQLite result codes that mean the store cannot take a write now (a full disk, an I/O error, a
 * locked or read-only file), not that the caller did something wrong. Callers refuse the work
 * (the API answers ServiceUnavailable, an agent message stays unacknowledged and is re-sent)
 * and nothing already stored is lost.
 */
const UNAVAILABLE_PREFIXES = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL', 'SQLITE_NOMEM'];

export function isStoreUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_PREFIXES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}
