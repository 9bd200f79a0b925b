/**
 * A `*` wildcard pattern (DescribeCommands Name / Description, spec §9) as a LIKE pattern with
 * `\` as its escape: `%`, `_` and `\` match themselves, `*` matches any text. Pure.
 */
export function likePattern(wildcard: string): string {
  return wildcard.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*+/g, '%');
}

/**
 * The longest LIKE pattern SQLite takes (SQLITE_MAX_LIKE_PATTERN_LENGTH, bytes); a longer one
 * fails the statement ("LIKE or GLOB pattern too complex"). With runs of `*` collapsed, such a
 * pattern holds at least 10,000 characters that must each match one (at most 4 UTF-8 bytes and
 * an escape, or a `%`, per character), more than any name (128) or description (512) is long:
 * it matches nothing.
 */
export const MAX_LIKE_PATTERN_BYTES = 50_000;

/** Whether the LIKE pattern is one SQLite can run (see MAX_LIKE_PATTERN_BYTES). Pure. */
export function fitsLike(pattern: string): boolean {
  return Buffer.byteLength(pattern) <= MAX_LIKE_PATTERN_BYTES;
}
