import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeFileSync } from 'node:fs';
import { chmod, chown, link, lstat, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { FileFailureReason, FileOutcome, FileSpec } from '../shared/protocol.js';
import { GROUP_PATH, lookupGroupByName } from './runner/group.js';
import { lookupUserByName, PASSWD_PATH, type PasswdEntry } from './runner/passwd.js';

/** Owner and group when SendFile names none (spec §14.1). */
export const DEFAULT_FILE_OWNER = 'root';
export const DEFAULT_FILE_GROUP = 'root';
export const DEFAULT_FILE_MODE = '0644';

export interface FileWriterOptions {
  passwdPath?: string;
  groupPath?: string;
}

const failed = (reason: FileFailureReason, detail: string): FileOutcome => ({ kind: 'failed', reason, detail });

/** chmod-style octal (`644`, `0755`, `4755`) as a number; null when it is not one. Pure. */
export function parseFileMode(mode: string): number | null {
  return /^[0-7]{1,4}$/.test(mode) ? Number.parseInt(mode, 8) : null;
}

/**
 * What is wrong with the spec before touching the disk, or null. Pure. A Name must be one path
 * component (no `/`, not `.` or `..`, no NUL); TargetDir must be absolute.
 */
export function precheckFile(spec: Pick<FileSpec, 'name' | 'targetDir' | 'mode'>): FileOutcome | null {
  const { name, targetDir } = spec;
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    return failed('name-invalid', `not a file name: ${JSON.stringify(name)}`);
  }
  if (!isAbsolute(targetDir) || targetDir.includes('\0')) return failed('path-invalid', `not an absolute path: ${JSON.stringify(targetDir)}`);
  if (parseFileMode(spec.mode || DEFAULT_FILE_MODE) === null) return failed('mode-invalid', `not a file mode: ${JSON.stringify(spec.mode)}`);
  return null;
}

const errnoOf = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? '';
const messageOf = (error: unknown): string => (error as Error).message;

/** The account called `name`, or null when there is none or the passwd file cannot be read. */
function userOrNull(name: string, passwdPath: string): PasswdEntry | null {
  try {
    return lookupUserByName(name, passwdPath);
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/** Creates TargetDir with its parents; a file in the way is path-invalid. */
async function ensureDirectory(dir: string): Promise<FileOutcome | null> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    if (!(await stat(dir)).isDirectory()) return failed('path-invalid', `${dir} is not a directory`);
    return null;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENAMETOOLONG') return failed('path-invalid', messageOf(error));
    return failed('create-failed', messageOf(error));
  }
}

/**
 * Writes one SendFile file (spec §14.1): Name in TargetDir (created if missing), owner and group
 * looked up in /etc/passwd and /etc/group (default root), mode (default 0644). The bytes go to a
 * temporary file in the same directory that gets its owner and mode first, then takes the final
 * name in one step: `rename` when Overwrite, else `link`, which fails if the name exists, so a
 * file that appears meanwhile is never clobbered. Readers never see a partial file.
 */
export async function writeFile(spec: FileSpec, options: FileWriterOptions = {}): Promise<FileOutcome> {
  const problem = precheckFile(spec);
  if (problem) return problem;
  const mode = parseFileMode(spec.mode || DEFAULT_FILE_MODE) ?? 0o644;
  const ownerName = spec.owner || DEFAULT_FILE_OWNER;
  const groupName = spec.group || DEFAULT_FILE_GROUP;
  const owner = userOrNull(ownerName, options.passwdPath ?? PASSWD_PATH);
  if (!owner) return failed('owner-not-exists', `no user ${ownerName}`);
  const group = await lookupGroupByName(groupName, options.groupPath ?? GROUP_PATH).catch(() => null);
  if (!group) return failed('group-not-exists', `no group ${groupName}`);

  const dirProblem = await ensureDirectory(spec.targetDir);
  if (dirProblem) return dirProblem;
  const target = join(spec.targetDir, spec.name);
  if (!spec.overwrite && (await exists(target))) return failed('file-exists', `${target} exists`);

  const temporary = join(spec.targetDir, `.casim-${randomBytes(6).toString('hex')}.tmp`);
  try {
    // Opened, written and closed synchronously (SendFile content is at most 32 KB): a PTY forked
    // for a script meanwhile can then never inherit the file open for writing, which would make
    // running the file fail with "Text file busy" (the same rule as agent/runner/script-file.ts).
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeFileSync(fd, Buffer.from(spec.content, 'base64'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    await removeQuietly(temporary);
    return failed('create-failed', messageOf(error));
  }
  try {
    // chown first: it clears setuid/setgid bits that chmod then sets.
    await chown(temporary, owner.uid, group.gid);
    await chmod(temporary, mode);
  } catch (error) {
    await removeQuietly(temporary);
    return failed('authority-failed', messageOf(error));
  }
  try {
    if (spec.overwrite) {
      await rename(temporary, target);
    } else {
      await link(temporary, target);
      await removeQuietly(temporary);
    }
    return { kind: 'written' };
  } catch (error) {
    await removeQuietly(temporary);
    const code = errnoOf(error);
    if (code === 'EEXIST') return failed('file-exists', `${target} exists`);
    if (code === 'ENAMETOOLONG') return failed('name-invalid', messageOf(error));
    return failed('create-failed', messageOf(error));
  }
}
