import type { PasswdEntry } from './passwd.js';
import type { SessionMarkers } from './session-markers.js';

/**
 * `$0` of the session shell, the name its own error messages start with. `sh`, because the
 * session shell is what execs the script file: when that fails (a shebang naming a missing
 * interpreter, a noexec mount) dash's message then reads `sh: 1: <file>: not found`, as under
 * the real agent's `sh -c <file>`.
 */
export const SESSION_ARGV0 = 'sh';

/** The terminal of a session (see PTY_BOOTSTRAP); stty's own locale files are not loaded (LC_ALL=C). */
const TERMINAL_SETTINGS = 'LC_ALL=C stty -onlcr -echo -icanon min 0 time 0';

/**
 * Runs inside the PTY around the script's argv (`"$@"` after the two markers, session-markers.ts;
 * launcher.ts `scriptArgv`: the script file itself, or `sh -c <Launcher command>`):
 * - `-onlcr`: no `\n` → `\r\n` conversion; `-echo`: nothing typed is echoed;
 * - `-icanon min 0 time 0`: a read of `/dev/tty` returns at once with EOF instead of hanging
 *   (password prompts, `read </dev/tty`);
 * - `</dev/null`: stdin gives EOF at once (`read x` does not wait for the timeout);
 * - stdout and stderr go into one pipe that `cat` copies to the terminal: the script sees a
 *   pipe, as under the real agent, so `ls` prints one name per line, `more` does not wait for
 *   a key, and both streams stay interleaved in the order they were written;
 * - the file is exec'd by the session shell itself, as `sh -c <file>` would exec it (so a
 *   shebang is honoured and a file without one runs in /bin/sh), without starting that extra
 *   `sh` first;
 * - the script's exit status (POSIX sh has no pipefail) is written to the terminal (fd 3) after
 *   the status marker, as three digits, by the subshell that ran the script;
 * - then the end marker, by `cat` itself once it has copied everything (end of file on the
 *   pipe: the script and whatever it left running have closed it), read from a here-doc (fd 4;
 *   dash writes a short one into a pipe without a process), so the reader knows every byte the
 *   script wrote has arrived (see pty-session.ts). The here-doc's newline after the marker is
 *   not output (pty-session.ts drops what follows the end marker). Written by the session shell
 *   after the pipeline instead, the marker waited for cat to exit and the shell to be woken:
 *   ~0.15 ms a run (bench/invoke-latency.ts).
 * The markers are kept in `status` and `end`, which are not exported. Besides the session shell,
 * four processes: stty, the subshell that runs the script, the script, cat (one fork fewer than
 * collecting the status through `$( )`; bench/invoke-latency.ts).
 * stty and cat run with `LC_ALL=C` (that command's environment only; the script gets the
 * locale as set): neither's work depends on the locale, and without it each loads the locale's
 * files at start (setlocale with LANG=C.UTF-8: `cat` 0.57 → 0.43 ms of CPU, `perf stat`). stty
 * is on the path before the script starts, cat on the one to the end marker: node-pty spawn →
 * end marker 3.87 → 3.65 ms (`true`, 500 runs of each, interleaved). stty's messages go to
 * /dev/null; cat's could only be a failed write to the terminal, which nobody would read.
 */
export const PTY_BOOTSTRAP = `${TERMINAL_SETTINGS} 2>/dev/null; exec 3>&1; status=$1; end=$2; shift 2; ${pipeline()}`;

/**
 * The session shell started ahead of its task (standby-shell.ts), as the agent's own user, with
 * the FIFO `$1`, the ready marker `$2` and the run's markers `$3` and `$4` (made with the shell,
 * so the whole pipeline is started before the task arrives). The shell makes the FIFO when
 * missing, opens it read-write (fd 5: on Linux that does not block, and the FIFO has a reader
 * from then on, so the agent's non-blocking open for writing succeeds at once, and what the
 * agent writes waits in it until it is read) and writes the ready marker; then the pipeline.
 * Its left side, a subshell, runs stty in the background on the terminal named (an asynchronous
 * command's stdin is /dev/null), reads its run from the FIFO (`.`: `standbyRun`, which sets the
 * directory and `"$@"` and ends with `return`, as no end of file comes while fd 5 is open),
 * closes fd 5, waits for stty and runs the script as PTY_BOOTSTRAP's pipeline does; `cat`, the
 * right side, waits on the pipe meanwhile. So node-pty's fork, the shell's start, the
 * subshell's fork, cat's fork and exec and stty are behind the run, or under way, when its task
 * arrives (FIFO written → end marker 1.95 → 1.64 ms with the pipeline started ahead, node-pty
 * and `true`, 150 runs of each, alternated; the marker before the pipeline instead of in it,
 * and the FIFO opened read-write, take ~1 ms off a task that arrives while the shell starts).
 * The FIFO is the agent's (standby-slot.ts), one for all its standby shells in turn: the first
 * makes it (mkfifo, 1.4 ms here, is then off every later start); when it cannot be made the
 * shell exits and the task starts its own session.
 */
export const STANDBY_BOOTSTRAP =
  'exec 3>&1; status=$3; end=$4; [ -p "$1" ] || mkfifo -m 600 "$1" 2>/dev/null || exit; exec 5<>"$1"; printf %s "$2"; ' +
  pipeline(`${TERMINAL_SETTINGS} </dev/tty 2>/dev/null 5<&- & . "$1"; exec 5<&-; wait $!; `, ' 5<&-');

/**
 * The one home of the session's pipeline, after `status` and `end` are set and fd 3 is the
 * terminal; `prelude` runs first in its left side, and sets `"$@"` when the caller has not;
 * `catRedirects` are cat's own.
 */
function pipeline(prelude = '', catRedirects = ''): string {
  return (
    `{ ${prelude}"$@" </dev/null 2>&1 3>&-; printf '%s%03d' "$status" $? >&3; } | LC_ALL=C cat - /dev/fd/4${catRedirects} 4<<E\n` +
    '$end\n' +
    'E\n'
  );
}

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
 * The argv that runs `scriptArgv` (launcher.ts) in the PTY, the markers before it. Every value is an argv element of
 * its own, never part of a shell string. As another user it goes through util-linux `setpriv`,
 * which sets uid, gid and the user's supplementary groups (initgroups); the user is given as
 * numbers.
 */
export function launchCommand(scriptArgv: readonly string[], markers: SessionMarkers, switchTo: UserSwitch | null): LaunchCommand {
  if (scriptArgv.length === 0) throw new RangeError('the script argv must not be empty');
  const shell = ['/bin/sh', '-c', PTY_BOOTSTRAP, SESSION_ARGV0, markers.status, markers.end, ...scriptArgv];
  if (switchTo === null) return { file: shell[0]!, args: shell.slice(1) };
  const { user, setprivPath } = switchTo;
  return {
    file: setprivPath,
    args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...shell],
  };
}

/** The argv of a standby session shell (STANDBY_BOOTSTRAP): its FIFO, its ready marker and its run's markers. */
export function standbyLaunchCommand(fifoPath: string, readyMarker: string, markers: SessionMarkers): LaunchCommand {
  return { file: '/bin/sh', args: ['-c', STANDBY_BOOTSTRAP, SESSION_ARGV0, fifoPath, readyMarker, markers.status, markers.end] };
}

/**
 * What a standby session shell reads from its FIFO for one run (its markers are its own, given
 * at its start): the working directory and the script's argv, every value quoted. The directory is entered as node-pty
 * enters a new session's (`cd -P`: chdir(2), no lexical `..`; PWD set to the path as given,
 * exported as node-pty exports it; no OLDPWD), so the script's environment is the same. It ends
 * with `return`, which ends the `.` that reads it without waiting for the end of the FIFO (the
 * shell itself holds it open, STANDBY_BOOTSTRAP). Pure.
 */
export function standbyRun(scriptArgv: readonly string[], cwd: string): string {
  if (scriptArgv.length === 0) throw new RangeError('the script argv must not be empty');
  const dir = shellQuote(cwd);
  return `cd -P -- ${dir} || { printf '%s%03d' "$status" 1 >&3; exit 1; }; PWD=${dir}; unset OLDPWD; set -- ${scriptArgv.map(shellQuote).join(' ')}\nreturn\n`;
}
