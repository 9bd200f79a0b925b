import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isRunning } from '../../agent/runner/process-tree.js';
import { liveProcesses } from '../support/live-processes.js';
import { runScript as startRun, StandbySlot, type ScriptRun, type ScriptRunCallbacks, type ScriptRunOptions, type ScriptRunResult } from '../../agent/runner/script-runner.js';
import type { TaskSpec } from '../../shared/protocol.js';

let root: string;
let scriptDir: string;
let workDir: string;
let taskCounter = 0;
const leftovers: number[] = [];
/** The agent's session shell started ahead, in the variant that has one (see the describe below). */
let slot: StandbySlot | undefined;

/**
 * runScript as the agent uses it: once a run is over (the agent: its report is stored) the slot
 * may start the next shell (StandbySlot.resume).
 */
function runScript(task: TaskSpec, callbacks: ScriptRunCallbacks, options: ScriptRunOptions): ScriptRun {
  const run = startRun(task, callbacks, options);
  void run.done.then(() => options.standby?.resume());
  return run;
}

/** The runner's options: the script directory, and the standby slot of the variant. */
const runOptions = (dir: string = scriptDir): ScriptRunOptions => ({ scriptDir: dir, standby: slot });

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'casim-runner-')));
  // Searchable by every user: scripts run as `nobody` are read from here.
  await chmod(root, 0o755);
  scriptDir = join(root, 'scripts');
  workDir = join(root, 'work');
  await mkdir(workDir, { mode: 0o755 });
});

afterAll(async () => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(root, { recursive: true, force: true });
});

function makeTask(script: string, overrides: Partial<TaskSpec> = {}): TaskSpec {
  taskCounter += 1;
  return {
    taskId: `t-test${process.pid}x${taskCounter}`,
    run: 1,
    invokeId: 't-invoke',
    commandId: 'c-test',
    commandName: 'runner-test',
    type: 'RunShellScript',
    script,
    workingDir: workDir,
    username: 'root',
    timeoutSeconds: 30,
    terminationMode: 'ProcessTree',
    ...overrides,
  };
}

interface Observed {
  result: ScriptRunResult;
  chunks: Buffer[];
  streamed: Buffer;
  startedCalls: Date[];
  elapsedMs: number;
}

async function observe(task: TaskSpec, onChunk?: (streamed: Buffer, run: ScriptRun) => void): Promise<Observed> {
  const chunks: Buffer[] = [];
  const startedCalls: Date[] = [];
  const began = Date.now();
  let run: ScriptRun | null = null;
  run = runScript(
    task,
    {
      onStarted: (at) => startedCalls.push(at),
      onOutput: (chunk) => {
        chunks.push(Buffer.from(chunk));
        if (onChunk && run) onChunk(Buffer.concat(chunks), run);
      },
    },
    runOptions(),
  );
  const result = await run.done;
  return { result, chunks, streamed: Buffer.concat(chunks), startedCalls, elapsedMs: Date.now() - began };
}

/** Live (non-zombie) processes whose argv contains `marker` as one element. */
function liveProcessesWithArg(marker: string): number[] {
  return liveProcesses().filter((p) => p.argv.includes(marker)).map((p) => p.pid);
}

/** A unique `sleep` duration, so the test can find exactly its own sleep in /proc. */
function uniqueSleep(seconds: number): string {
  taskCounter += 1;
  return `${seconds}.${process.pid}${taskCounter}`;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

// Every case twice: in a session the run starts itself (as every run as another user does), and
// in the agent's session shell started ahead (runs as the agent's own user; standby-slot.ts).
describe.each([
  { variant: 'in a new session', standby: false },
  { variant: 'in the session shell started ahead', standby: true },
])('runScript, $variant', ({ standby }) => {
  beforeAll(async () => {
    if (!standby) return;
    slot = new StandbySlot(scriptDir);
    // The first run starts its own session; the slot starts a shell for the next.
    expect((await observe(makeTask('exit 0\n'))).result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
  });

  afterAll(() => {
    slot?.stop();
    slot = undefined;
  });

  // The shell started after the previous run is armed before the next run is asked for.
  beforeEach(async () => {
    if (slot !== undefined) expect(await slot.whenReady()).toBe(true);
  });

  it('reports exit code 0 and the exact output bytes with \\n line endings', async () => {
    const { result, streamed, startedCalls } = await observe(makeTask('echo hello\necho world\n'));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.toString('latin1')).toBe('hello\nworld\n');
    expect(streamed.toString('latin1')).toBe('hello\nworld\n');
    expect(result.dropped).toBe(0);
    expect(startedCalls).toHaveLength(1);
    expect(result.startedAt).toEqual(startedCalls[0]);
    expect(result.finishedAt.getTime()).toBeGreaterThanOrEqual(result.startedAt!.getTime());
  });

  it('reports a non-zero exit code', async () => {
    const { result } = await observe(makeTask('echo before\nexit 3\necho after\n'));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    expect(result.output.toString()).toBe('before\n');
  });

  it('reports 128 + signal when the script is killed by a signal on its own', async () => {
    const { result } = await observe(makeTask('kill -TERM $$\nsleep 5\n'));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 143 });
  });

  it('reports 128 + signal when the session leader itself dies of a signal', async () => {
    // The PTY session id is the pid of the session's first shell.
    const { result, elapsedMs } = await observe(makeTask("echo bye\nkill -KILL $(awk '{print $6}' /proc/$$/stat)\nsleep 5\n"));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 137 });
    expect(result.output.toString()).toBe('bye\n');
    expect(elapsedMs).toBeLessThan(4000);
  });

  it('finishes as soon as the script exits when a background child has its output redirected', async () => {
    const daemon = uniqueSleep(20);
    const { result, elapsedMs } = await observe(makeTask(`setsid sleep ${daemon} >/dev/null 2>&1 &\nseq 1 20000\necho done\n`));
    leftovers.push(...liveProcessesWithArg(daemon));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.subarray(-17).toString()).toBe('19999\n20000\ndone\n');
    expect(result.dropped).toBe(108_894 + 5 - 24_576);
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('waits, like the real agent on pipes, for a background child that still holds the output', async () => {
    const { result, elapsedMs } = await observe(makeTask('(sleep 2; echo late) &\necho done\n'));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.toString()).toBe('done\nlate\n');
    expect(elapsedMs).toBeGreaterThanOrEqual(1900);
  });

  it('reports the exit status of a script whose background child writes after it has exited', async () => {
    const { result, streamed } = await observe(makeTask('(sleep 0.5; echo late) &\necho early\nexit 5\n'));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 5 });
    expect(result.output.toString()).toBe('early\nlate\n');
    expect(streamed.toString()).toBe('early\nlate\n');
  });

  it('gives the script a pipe, not a terminal, on stdout and stderr', async () => {
    const { result } = await observe(makeTask('mkdir -p cols && touch cols/a cols/b\nls cols\n[ -t 1 ] && echo tty1 || echo pipe1\n[ -t 2 ] && echo tty2 || echo pipe2\nseq 1 60 | more | tail -1\n'));
    expect(result.output.toString()).toBe('a\nb\npipe1\npipe2\n60\n');
  });

  it('writes the script to <name>-<taskId>.iv<run>.sh with mode 0755', async () => {
    const script = '#!/bin/sh\n# héllo\necho "$0"\n';
    const task = makeTask(script, { commandName: 'my cmd/ünï', run: 4 });
    const { result } = await observe(task);
    const expectedPath = join(scriptDir, `my_cmd__n_-${task.taskId}.iv4.sh`);
    expect(result.output.toString()).toBe(`${expectedPath}\n`);
    expect(await readFile(expectedPath, 'utf8')).toBe(script);
    expect((await stat(expectedPath)).mode & 0o777).toBe(0o755);
  });

  it('creates the script directory (0755) again when it was removed after a run', async () => {
    const dir = join(root, 'removed', 'scripts');
    const runIn = async (script: string) => (await runScript(makeTask(script), { onStarted: () => {}, onOutput: () => {} }, runOptions(dir)).done);
    expect((await runIn('echo first\n')).output.toString()).toBe('first\n');
    await rm(join(root, 'removed'), { recursive: true });
    const again = await runIn('echo again\n');
    expect(again.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(again.output.toString()).toBe('again\n');
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
  });

  it('emits no escape codes and sets a dumb terminal with pagers disabled', async () => {
    const script = [
      'mkdir -p colours && touch colours/a colours/b && chmod +x colours/b',
      'ls -1 --color=auto colours',
      'echo "$TERM|$PAGER|$GIT_PAGER|$SYSTEMD_PAGER|$SYSTEMD_COLORS"',
    ].join('\n');
    const { result } = await observe(makeTask(script));
    expect(result.output.includes(0x1b)).toBe(false);
    expect(result.output.toString()).toBe('a\nb\ndumb|cat|cat|cat|0\n');
  });

  it('passes arbitrary bytes through unchanged', async () => {
    const { result } = await observe(makeTask("printf 'a\\377b\\000c\\r\\n'\n"));
    expect([...result.output]).toEqual([0x61, 0xff, 0x62, 0x00, 0x63, 0x0d, 0x0a]);
  });

  it('keeps UTF-8 output intact, also when split across chunks', async () => {
    const text = 'héllo 世界 🚀';
    const { result, streamed } = await observe(makeTask(`printf '%s\\n' '${text}'\nprintf '\\360\\237'; sleep 0.2; printf '\\232\\200\\n'\n`));
    const expected = Buffer.concat([Buffer.from(`${text}\n`, 'utf8'), Buffer.from('🚀\n', 'utf8')]);
    expect(result.output.equals(expected)).toBe(true);
    expect(streamed.equals(expected)).toBe(true);
  });

  it('gives stdin EOF at once so read does not wait for the timeout', async () => {
    const script = 'read x; echo "got[$x] rc=$?"\nif [ -t 0 ]; then echo stdin-is-a-tty; else echo stdin-is-not-a-tty; fi\n';
    const { result, elapsedMs } = await observe(makeTask(script, { timeoutSeconds: 20 }));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.toString()).toBe('got[] rc=1\nstdin-is-not-a-tty\n');
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('gives EOF at once to a read from /dev/tty', async () => {
    const { result, elapsedMs } = await observe(makeTask('read x </dev/tty; echo "tty[$x] rc=$?"\n', { timeoutSeconds: 20 }));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.toString()).toBe('tty[] rc=1\n');
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('interleaves stderr with stdout in order', async () => {
    const { result } = await observe(makeTask('echo out1\necho err1 >&2\necho out2\necho err2 1>&2\n'));
    expect(result.output.toString()).toBe('out1\nerr1\nout2\nerr2\n');
  });

  it('honours a shebang line', async () => {
    const script = '#!/usr/bin/env python3\nimport sys\nprint("py", sys.version_info[0], end="\\n")\n';
    const { result } = await observe(makeTask(script));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.toString()).toBe('py 3\n');
  });

  it('reports a shebang naming a missing interpreter as sh -c <file> does: exit 127, "sh: 1: <file>: not found"', async () => {
    const task = makeTask('#!/no/such/interpreter\necho ran\n', { commandName: 'bad-shebang' });
    const { result } = await observe(task);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 127 });
    expect(result.output.toString()).toBe(`sh: 1: ${join(scriptDir, `bad-shebang-${task.taskId}.iv1.sh`)}: not found\n`);
  });

  it('runs a script file whose directory has spaces and quotes in its name', async () => {
    const odd = join(root, "it's a dir");
    const task = makeTask('echo "$0"\n', { commandName: 'odd' });
    const result = await runScript(task, { onStarted: () => {}, onOutput: () => {} }, runOptions(odd)).done;
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.toString()).toBe(`${odd}/odd-${task.taskId}.iv1.sh\n`);
  });

  it('runs in the working directory', async () => {
    const { result } = await observe(makeTask('pwd\n'));
    expect(result.output.toString()).toBe(`${workDir}\n`);
  });

  it('uses a wide terminal so lines do not wrap', async () => {
    const long = 'x'.repeat(1200);
    const { result } = await observe(makeTask(`stty size </dev/tty\necho ${long}\n`));
    expect(result.output.toString()).toBe(`50 500\n${long}\n`);
  });

  it('sets HOME, USER, LOGNAME and a clean PATH for root', async () => {
    const { result } = await observe(makeTask('echo "$HOME|$USER|$LOGNAME|$PATH|${CASIM_RUNNER_LEAK-unset}"\n'));
    expect(result.output.toString()).toBe('/root|root|root|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|unset\n');
  });

  it('reports directory-not-exists when the working directory is missing', async () => {
    const marker = join(root, `marker-dir-${taskCounter}`);
    const { result, startedCalls } = await observe(
      makeTask(`touch ${marker}\n`, { workingDir: join(root, 'no-such-dir') }),
    );
    expect(result.outcome).toMatchObject({ kind: 'not-started', reason: 'directory-not-exists' });
    expect(result.startedAt).toBeNull();
    expect(startedCalls).toHaveLength(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports directory-not-exists when the working directory is a file', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const { result } = await observe(makeTask('echo ran\n', { workingDir: file }));
    expect(result.outcome).toMatchObject({ kind: 'not-started', reason: 'directory-not-exists' });
    expect(result.output.length).toBe(0);
  });

  it('reports account-not-exists for an unknown user and does not run the script', async () => {
    const marker = join(root, `marker-user-${taskCounter}`);
    const { result, startedCalls } = await observe(makeTask(`touch ${marker}\n`, { username: 'casim-no-such-user' }));
    expect(result.outcome).toMatchObject({ kind: 'not-started', reason: 'account-not-exists' });
    expect(result.startedAt).toBeNull();
    expect(startedCalls).toHaveLength(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports exception when the script file cannot be written', async () => {
    const task = makeTask('echo ran\n');
    const started: Date[] = [];
    const run = runScript(task, { onStarted: (at) => started.push(at), onOutput: () => {} }, runOptions('/etc/passwd/scripts'));
    const result = await run.done;
    expect(result.outcome).toMatchObject({ kind: 'not-started', reason: 'exception' });
    expect(started).toHaveLength(0);
  });

  it('reports timed-out after the timeout and kills the sleeping process', async () => {
    const duration = uniqueSleep(30);
    let seenAlive = false;
    const { result, elapsedMs } = await observe(
      makeTask(`echo ready\nsleep ${duration}\n`, { timeoutSeconds: 2 }),
      (streamed) => {
        if (streamed.toString().includes('ready')) {
          void waitFor(() => liveProcessesWithArg(duration).length > 0, 1500).then((alive) => {
            seenAlive = seenAlive || alive;
          });
        }
      },
    );
    expect(result.outcome).toEqual({ kind: 'timed-out' });
    expect(result.output.toString()).toBe('ready\n');
    expect(elapsedMs).toBeGreaterThanOrEqual(1900);
    expect(elapsedMs).toBeLessThan(3500);
    expect(seenAlive).toBe(true);
    expect(await waitFor(() => liveProcessesWithArg(duration).length === 0, 1000)).toBe(true);
  });

  it('kills a setsid background child with TerminationMode ProcessTree', async () => {
    const daemon = uniqueSleep(300);
    let daemonPid = 0;
    const { result } = await observe(
      makeTask(`setsid sleep ${daemon} >/dev/null 2>&1 &\necho "pid=$!"\nsleep 30\n`, { timeoutSeconds: 2, terminationMode: 'ProcessTree' }),
      (streamed) => {
        const match = /pid=(\d+)/.exec(streamed.toString());
        if (match && daemonPid === 0) daemonPid = Number(match[1]);
      },
    );
    expect(result.outcome).toEqual({ kind: 'timed-out' });
    expect(daemonPid).toBeGreaterThan(0);
    expect(await waitFor(() => liveProcessesWithArg(daemon).length === 0, 1000)).toBe(true);
  });

  it('leaves a setsid background child alive with TerminationMode Process but kills the group', async () => {
    const daemon = uniqueSleep(300);
    const foreground = uniqueSleep(30);
    const { result } = await observe(
      makeTask(`setsid sleep ${daemon} >/dev/null 2>&1 &\nsleep ${foreground}\n`, { timeoutSeconds: 2, terminationMode: 'Process' }),
    );
    const survivors = liveProcessesWithArg(daemon);
    leftovers.push(...survivors);
    expect(result.outcome).toEqual({ kind: 'timed-out' });
    expect(survivors).toHaveLength(1);
    expect(await waitFor(() => liveProcessesWithArg(foreground).length === 0, 1000)).toBe(true);
  });

  it('reports killed when cancelled, and kills the script', async () => {
    const duration = uniqueSleep(30);
    let cancelled = false;
    const { result, elapsedMs } = await observe(makeTask(`echo ready\nsleep ${duration}\n`), (streamed, run) => {
      if (!cancelled && streamed.toString().includes('ready')) {
        cancelled = true;
        setTimeout(() => run.cancel(), 200);
      }
    });
    expect(result.outcome).toEqual({ kind: 'killed' });
    expect(result.output.toString()).toBe('ready\n');
    expect(result.startedAt).not.toBeNull();
    expect(elapsedMs).toBeLessThan(5000);
    expect(await waitFor(() => liveProcessesWithArg(duration).length === 0, 1000)).toBe(true);
  });

  it('checks and starts the script within the turn of the event loop that asked for it', async () => {
    // The agent's pre-checks and the fork do not wait on the thread pool: nothing else the
    // agent's process has to do (in a local bench, the control plane's work) runs in between.
    let turned = false;
    setImmediate(() => (turned = true));
    const startedInTurn: boolean[] = [];
    const run = runScript(makeTask('exit 0\n'), { onStarted: () => startedInTurn.push(!turned), onOutput: () => {} }, runOptions());
    expect((await run.done).outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(startedInTurn).toEqual([true]);
  });

  it('reports killed without starting the script when cancelled before it starts', async () => {
    const marker = join(root, `marker-cancel-${taskCounter}`);
    const started: Date[] = [];
    const run = runScript(makeTask(`touch ${marker}\n`), { onStarted: (at) => started.push(at), onOutput: () => {} }, runOptions());
    run.cancel();
    const result = await run.done;
    expect(result.outcome).toEqual({ kind: 'killed' });
    expect(result.startedAt).toBeNull();
    expect(started).toHaveLength(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('ignores cancel after the run has finished', async () => {
    const run = runScript(makeTask('exit 0\n'), { onStarted: () => {}, onOutput: () => {} }, runOptions());
    const result = await run.done;
    run.cancel();
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('captures all output written right before exit', async () => {
    // node-pty + libuv can end the PTY stream before its last bytes are read (a few runs in a
    // hundred without the runner's countermeasure): run it often, several at once.
    const script = "head -c 100000 /dev/zero | tr '\\0' a\nprintf END\nexit 7\n";
    const short: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const runs = await Promise.all(Array.from({ length: 10 }, () => observe(makeTask(script))));
      for (const { result, streamed } of runs) {
        expect(result.outcome).toEqual({ kind: 'exited', exitCode: 7 });
        if (streamed.length !== 100_003 || !streamed.subarray(-3).equals(Buffer.from('END'))) short.push(streamed.length);
      }
    }
    expect(short).toEqual([]);
  });

  it('keeps head + tail within the quota and counts the dropped middle bytes', async () => {
    const { result, streamed } = await observe(makeTask('head -c 100000 /dev/zero | tr "\\0" a\nprintf END\n'));
    expect(streamed.length).toBe(100_003);
    expect(result.output.length).toBe(24_576);
    expect(result.dropped).toBe(100_003 - 24_576);
    expect(result.output.subarray(-3).toString()).toBe('END');
  });

  it('runs as nobody with its own uid, groups and HOME, and cannot write /etc', async () => {
    const forbidden = `/etc/casim-runner-test-${process.pid}`;
    const script = [
      'id -un',
      'id -G',
      'echo "$HOME|$USER|$LOGNAME"',
      `if touch ${forbidden} 2>/dev/null; then echo wrote; else echo denied; fi`,
    ].join('\n');
    const { result } = await observe(makeTask(script, { username: 'nobody' }));
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(result.output.toString()).toBe('nobody\n65534\n/nonexistent|nobody|nobody\ndenied\n');
    expect(existsSync(forbidden)).toBe(false);
  });
});

describe('the session shell started ahead (standby-slot.ts)', () => {
  const probe = [
    'env | sort',
    'pwd',
    // Descriptor numbers and what they are (not the pipes' inode numbers).
    'ls -l /proc/self/fd | sed 1d | sed "s/.* \\([0-9]* -> \\)/\\1/; s/pipe:.*/pipe/; s/proc\\/[0-9]*/proc/"',
    'stty -a </dev/tty | head -4',
    'ps -o sid= -p $$ | tr -d " "',
  ].join('\n');
  const run = async (task: TaskSpec, standby?: StandbySlot) => runScript(task, { onStarted: () => {}, onOutput: () => {} }, { scriptDir, standby }).done;
  const fifosIn = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.casim-standby-'));
  /** A slot whose shell, started after one run, is armed; and that shell's PID. */
  const armedSlot = async (dir: string = scriptDir): Promise<{ standby: StandbySlot; waiting: number }> => {
    const standby = new StandbySlot(dir);
    const first = await runScript(makeTask('exit 0\n'), { onStarted: () => {}, onOutput: () => {} }, { scriptDir: dir, standby }).done;
    expect(first.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(await standby.whenReady()).toBe(true);
    expect(standby.waitingPid).not.toBeNull();
    return { standby, waiting: standby.waitingPid! };
  };

  it('runs the task in the shell that waited, with what a new session gives the script', async () => {
    const { standby, waiting } = await armedSlot();
    try {
      const ahead = await run(makeTask(probe), standby);
      const fresh = await run(makeTask(probe));
      const [aheadSid, ...aheadRest] = ahead.output.toString().trimEnd().split('\n').reverse();
      const [freshSid, ...freshRest] = fresh.output.toString().trimEnd().split('\n').reverse();
      // The script's session is the waiting shell's (the session ID is its leader's PID)...
      expect(Number(aheadSid)).toBe(waiting);
      expect(Number(freshSid)).not.toBe(waiting);
      // ...and its environment, directory, descriptors and terminal settings are a new session's.
      expect(aheadRest.reverse().join('\n')).toBe(freshRest.reverse().join('\n'));
      expect(ahead.output.toString()).toContain(`PWD=${workDir}\n`);
      expect(ahead.outcome).toEqual(fresh.outcome);
    } finally {
      standby.stop();
    }
  });

  it('is not used for another environment, and is ended', async () => {
    const { standby, waiting } = await armedSlot();
    try {
      expect(await standby.take({ PATH: '/bin' })).toBeNull();
      expect(await waitFor(() => !isRunning(waiting), 2000)).toBe(true);
    } finally {
      standby.stop();
    }
  });

  it('a task finds the waiting shell killed: it starts its own session and succeeds', async () => {
    const { standby, waiting } = await armedSlot();
    try {
      process.kill(waiting, 'SIGKILL');
      expect(await waitFor(() => !isRunning(waiting), 2000)).toBe(true);
      const result = await run(makeTask('ps -o sid= -p $$ | tr -d " "\n'), standby);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(Number(result.output.toString())).not.toBe(waiting);
    } finally {
      standby.stop();
    }
  });

  it('gives up after three shells in a row could not make their FIFO; the tasks run in their own sessions', async () => {
    const standby = new StandbySlot(join(root, 'no-such-dir', 'scripts'));
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect((await run(makeTask('echo ran\n'), standby)).output.toString()).toBe('ran\n');
        expect(await standby.whenReady()).toBe(false);
      }
      expect(standby.starts).toBe(false);
      expect((await run(makeTask('echo ran\n'), standby)).output.toString()).toBe('ran\n');
      // No shell is being started: nothing to wait for (a start would settle turns later).
      const ready = await Promise.race([standby.whenReady(), new Promise<'a start is pending'>((resolve) => setImmediate(() => resolve('a start is pending')))]);
      expect(ready).toBe(false);
      expect(standby.waitingPid).toBeNull();
    } finally {
      standby.stop();
    }
  });

  it('the next shell is started only once resume is called (the agent: the report is stored)', async () => {
    const standby = new StandbySlot(scriptDir);
    try {
      // The runner itself, without the agent's resume after the run.
      expect((await startRun(makeTask('exit 0\n'), { onStarted: () => {}, onOutput: () => {} }, { scriptDir, standby }).done).outcome).toEqual({ kind: 'exited', exitCode: 0 });
      // Held: no shell is being started, however long the run is over.
      const ready = await Promise.race([standby.whenReady(), new Promise<'a start is pending'>((resolve) => setTimeout(() => resolve('a start is pending'), 50))]);
      expect(ready).toBe(false);
      expect(standby.waitingPid).toBeNull();
      standby.resume();
      expect(await standby.whenReady()).toBe(true);
      const waiting = standby.waitingPid;
      expect(waiting).not.toBeNull();
      expect(Number((await run(makeTask('ps -o sid= -p $$ | tr -d " "\n'), standby)).output.toString())).toBe(waiting);
    } finally {
      standby.stop();
    }
  });

  it('stop ends the waiting shell and removes its FIFO', async () => {
    const dir = join(root, 'standby-stop');
    const { standby, waiting } = await armedSlot(dir);
    expect(fifosIn(dir)).toHaveLength(1);
    standby.stop();
    expect(await waitFor(() => !isRunning(waiting), 2000)).toBe(true);
    expect(fifosIn(dir)).toEqual([]);
    expect(standby.waitingPid).toBeNull();
  });
});
