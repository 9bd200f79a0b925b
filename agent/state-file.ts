import { mkdirSync, readFileSync, renameSync, writeFileSync } from './sync-fs.js';
import { dirname } from 'node:path';

/** The JSON in `file`, or undefined when it is missing or unreadable. */
export function readStateFile<T>(file: string): Partial<T> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<T>;
  } catch {
    return undefined;
  }
}

/** Writes `value` as JSON atomically (temp file + rename), private to the agent (0600). */
export function writeStateFile(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(value), { mode: 0o600 });
  renameSync(temporary, file);
}
