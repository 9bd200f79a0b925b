/**
 * A `*` wildcard pattern (DescribeCommands Name / Description, spec §9) as a LIKE pattern with
 * `\` as its escape: `%`, `_` and `\` match themselves, `*` matches any text. Pure.
 */
export function likePattern(wildcard: string): string {
  return wildcard.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}
