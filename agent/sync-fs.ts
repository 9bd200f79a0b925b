/**
 * The synchronous node:fs calls of the agent's idle path (identity, journals and their logs,
 * cold-start flag, time zone), taken with `process.getBuiltinModule` instead of
 * `import … from 'node:fs'`: for an `import` of a built-in, Node builds an ES module facade by
 * reading every export, and fs's lazy `promises` getter then loads node:fs/promises with
 * readline, fs streams, watchers and directory handles, none of which an idle agent uses
 * (issue 10: 0.6 MiB of its RSS in the Node 22 instance image). The task runners and the file
 * writer, loaded with the first task or file, import node:fs and node:fs/promises as usual.
 */
export const { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, truncateSync, writeFileSync } = process.getBuiltinModule('node:fs');
