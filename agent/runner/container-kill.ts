import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { TerminationMode } from '../../shared/protocol.js';

/**
 * Killing a script that runs in a container. Docker's exec API cannot kill an exec, and the
 * real agent does not even try (`DockerProcessor.Cancel()` is a no-op, spec/reference-agent.md
 * §2.5), so a timed-out script would run on. casim kills it, as DESIGN.md §2 asks.
 *
 * The exec's `Pid` (exec inspect) is a host pid, useless to an agent that runs in its own pid
 * namespace (every fleet instance does). So the script's exec carries an environment marker
 * (`CASIM_EXEC_MARKER=<random hex>`, inherited by every descendant that keeps its environment),
 * and a second exec, as root in the same container, finds the marked processes in the
 * container's `/proc` and kills them:
 *   - `ProcessTree`: every marked process, frozen with SIGSTOP round after round until no new
 *     one appears (a stopped process cannot fork), then SIGKILL — setsid daemons included.
 *   - `Process`: the process group of the exec's root, i.e. the marked process whose parent is
 *     outside the container's pid namespace (ppid 0; runc setsid()s every exec). If no such
 *     process is found (a container sharing the host's pid namespace), like ProcessTree.
 * The second exec needs only `/bin/sh` (which the script's exec needs too) and reads `/proc`
 * with shell built-ins, using `grep` when the container has it.
 */
export const EXEC_MARKER_VARIABLE = 'CASIM_EXEC_MARKER';

/** A fresh marker value; 32 hex digits, so one marker is never a prefix of another. */
export function newExecMarker(): string {
  return randomBytes(16).toString('hex');
}

/** The `Env` entry that marks the script's exec. */
export function markerEnv(marker: string): string {
  return `${EXEC_MARKER_VARIABLE}=${marker}`;
}

/** `$1` = the marker env entry, `$2` = the TerminationMode. Prints the pids it killed. */
export const KILL_SCRIPT = [
  'marker=$1 mode=$2',
  'if command -v grep >/dev/null 2>&1; then',
  '  marked() { grep -qsF -e "$marker" "/proc/$1/environ"; }',
  'else',
  '  marked() {',
  '    while IFS= read -r chunk || [ -n "$chunk" ]; do',
  '      case "$chunk" in *"$marker"*) return 0 ;; esac',
  '    done < "/proc/$1/environ" 2>/dev/null',
  '    return 1',
  '  }',
  'fi',
  'if [ "$mode" = Process ]; then',
  '  for dir in /proc/[0-9]*; do',
  '    pid=${dir#/proc/}',
  '    marked "$pid" || continue',
  '    IFS= read -r stat < "$dir/stat" 2>/dev/null || continue',
  '    set -- ${stat##*) }',
  '    if [ "$2" = 0 ]; then',
  '      kill -KILL "-$3" "$pid" 2>/dev/null',
  '      echo "killed group $3"',
  '      exit 0',
  '    fi',
  '  done',
  'fi',
  'seen=',
  'while :; do',
  '  new=',
  '  for dir in /proc/[0-9]*; do',
  '    pid=${dir#/proc/}',
  '    case " $seen " in *" $pid "*) continue ;; esac',
  '    marked "$pid" && new="$new $pid"',
  '  done',
  '  [ -z "$new" ] && break',
  '  kill -STOP $new 2>/dev/null',
  '  seen="$seen$new"',
  'done',
  '[ -n "$seen" ] && kill -KILL $seen 2>/dev/null',
  'echo "killed$seen"',
  'exit 0',
].join('\n');

/**
 * Runs the kill exec in `containerId` and waits for it. Resolves with what it printed; rejects
 * when Docker refuses (e.g. the container stopped meanwhile, which killed the script anyway).
 */
export async function killMarkedProcesses(docker: Docker, containerId: string, marker: string, mode: TerminationMode): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['/bin/sh', '-c', KILL_SCRIPT, 'casim-kill', markerEnv(marker), mode],
    User: '0',
    AttachStdout: true,
    AttachStderr: true,
    Tty: true, // one plain stream, no frames to decode
  });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  return Buffer.concat(chunks).toString('utf8').trim();
}
