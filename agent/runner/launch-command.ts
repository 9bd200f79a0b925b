import type { PasswdEntry } from './passwd.js';

/** `$0` of the session shell, the name its own error messages start with. */
export const SESSION_ARGV0 = 'casim';

/**
 * Runs inside the PTY around `sh -c <script file>` (the real agent's command):
 * - `-onlcr`: no `\n` → `\r\n` conversion; `-echo`: nothing typed is echoed;
 * - `-icanon min 0 time 0`: a read of `/dev/tty` returns at once with EOF instead of hanging
 *   (password prompts, `read </dev/tty`);
 * - `</dev/null`: stdin gives EOF at once (`read x` does not wait for the timeout);
 * - stdout and stderr go into one pipe that `cat` copies to the terminal: the script sees a
 *   pipe, as under the real agent, so `ls` prints one name per line, `more` does not wait for
 *   a key, and both streams stay interleaved in the order they were written;
 * - `sh -c "$1"` execs the file, so a shebang is honoured and a file without one runs in sh;
 *   `$1` is the shell-quoted script path, or the Launcher command around it;
 * - the script's own exit status comes back through fd 4 (POSIX sh has no pipefail);
 * - then `$2`, the end marker, is written, so the reader knows every byte the script wrote has
 *   arrived (see pty-session.ts), and the script's exit status is passed on.
 */
export const PTY_BOOTSTRAP =
  'stty -onlcr -echo -icanon min 0 time 0 2>/dev/null; exec 3>&1; ' +
  'rc=$( { { sh -c "$1" </dev/null 2>&1 3>&- 4>&-; echo $? >&4; } | cat >&3; } 4>&1 ); ' +
  'printf \'%s\' "$2"; exit $rc';

export interface UserSwitch {
  user: PasswdEntry;
  /** e.g. `/usr/bin/setpriv` */
  setprivPath: string;
}

export interface LaunchCommand {
  file: string;
  args: string[];
}

/** `'…'` quoting for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The argv that runs `command` (a shell command, see launcher.ts) in the PTY. As another user it goes through util-linux
 * `setpriv`, which sets uid, gid and the user's supplementary groups (initgroups); the user is
 * given as numbers in argv elements, never inside a shell string.
 */
export function launchCommand(command: string, endMarker: string, switchTo: UserSwitch | null): LaunchCommand {
  const shell = ['/bin/sh', '-c', PTY_BOOTSTRAP, SESSION_ARGV0, command, endMarker];
  if (switchTo === null) return { file: shell[0]!, args: shell.slice(1) };
  const { user, setprivPath } = switchTo;
  return {
    file: setprivPath,
    args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...shell],
  };
}
