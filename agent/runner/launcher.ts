import { shellQuote } from './launch-command.js';

/** `{{ACS::ScriptFileName}}` or `{{ACS::ScriptFileName|Ext(".py")}}` in a Launcher (spec §17.2). */
const SCRIPT_FILE_NAME = /\{\{\s*ACS::ScriptFileName\s*(?:\|\s*Ext\(\s*"([^"]*)"\s*\))?\s*\}\}/g;
const EXTENSION = /^\.[A-Za-z0-9_-]{1,16}$/;

/** The script file's extension: the Launcher's `Ext(".py")`, else `.sh`. Pure. */
export function scriptExtension(launcher: string | undefined): string {
  for (const match of (launcher ?? '').matchAll(SCRIPT_FILE_NAME)) {
    if (match[1] !== undefined && EXTENSION.test(match[1])) return match[1];
  }
  return '.sh';
}

/**
 * The shell command that runs the script file: the file itself (its shebang decides), or the
 * Launcher with each ScriptFileName placeholder replaced by the quoted path (the path is appended
 * when the Launcher names no placeholder). Pure.
 */
export function scriptCommand(scriptPath: string, launcher: string | undefined): string {
  const quoted = shellQuote(scriptPath);
  if (!launcher) return quoted;
  let used = false;
  const command = launcher.replace(SCRIPT_FILE_NAME, () => {
    used = true;
    return quoted;
  });
  return used ? command : `${command} ${quoted}`;
}

/**
 * The argv that runs the script: the file itself, exec'd as `sh -c <file>` would exec it (its
 * shebang decides; without one /bin/sh runs it), or `sh -c` with the Launcher command. Pure.
 */
export function scriptArgv(scriptPath: string, launcher: string | undefined): string[] {
  return launcher ? ['sh', '-c', scriptCommand(scriptPath, launcher)] : [scriptPath];
}
