import { chmodSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TaskSpec } from '../../shared/protocol.js';
import { scriptExtension } from './launcher.js';

const MAX_NAME_LENGTH = 100;

/** Keeps a file-name part to `[A-Za-z0-9._-]` (others become `_`), never empty or `.`/`..`. */
export function sanitiseFileNamePart(value: string, fallback: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_NAME_LENGTH);
  return cleaned === '' || /^\.+$/.test(cleaned) ? fallback : cleaned;
}

/** `<commandName>-<taskId>.iv<run>.sh` as the real agent names it (sanitised); a Launcher's Ext() changes `.sh`. */
export function scriptFileName(task: Pick<TaskSpec, 'commandName' | 'taskId' | 'run' | 'launcher'>): string {
  const name = sanitiseFileNamePart(task.commandName, 'command');
  const taskId = sanitiseFileNamePart(task.taskId, 'task');
  return `${name}-${taskId}.iv${task.run}${scriptExtension(task.launcher)}`;
}

/**
 * Writes the script (UTF-8, mode 0755) into `scriptDir`, creating it when missing; returns its absolute path.
 *
 * The file is written synchronously on purpose. An asynchronous write keeps the file open for
 * writing on a libuv pool thread while the main thread goes on; when another task's PTY is
 * forked in that window, the forked child holds a copy of the write descriptor until it execs
 * (O_CLOEXEC only closes it then), and on a loaded host that can outlast this write and reach
 * the moment this script is exec'd: execve fails with ETXTBSY, the shell reports "Text file
 * busy" and the run ends with exit 126 (3 in 900 runs at 8 at a time). Every fork (node-pty,
 * child_process) happens on the main thread, so while it is busy here no fork can copy the
 * descriptor, and it is closed before this returns. The directory is only created when the
 * write finds it missing (the first run, or after a tmp cleaner removed it), not checked
 * before every run. With `spare` (spare-script-file.ts: an empty file made ahead in the same
 * directory) the script is written into it and the spare renamed to the script's name, which
 * costs a tenth of creating the file; when that fails the file is written as without one.
 */
export function writeScriptFile(scriptDir: string, task: TaskSpec, spare: string | null = null): string {
  const path = join(resolve(scriptDir), scriptFileName(task));
  if (spare !== null) {
    try {
      writeExecutable(spare, task.script);
      renameSync(spare, path);
      return path;
    } catch {
      try {
        unlinkSync(spare);
      } catch {
        // gone already
      }
    }
  }
  try {
    writeExecutable(path, task.script);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(scriptDir, { recursive: true, mode: 0o755 });
    writeExecutable(path, task.script);
  }
  return path;
}

function writeExecutable(path: string, content: string): void {
  writeFileSync(path, content, { encoding: 'utf8', mode: 0o755 });
  // The umask may have narrowed the mode, and an existing file keeps its old mode.
  chmodSync(path, 0o755);
}
