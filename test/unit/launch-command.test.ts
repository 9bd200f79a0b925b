import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchCommand, PTY_BOOTSTRAP, SESSION_ARGV0, STANDBY_BOOTSTRAP, standbyLaunchCommand, standbyRun } from '../../agent/runner/launch-command.js';
import type { PasswdEntry } from '../../agent/runner/passwd.js';

const nobody: PasswdEntry = { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent', shell: '/usr/sbin/nologin' };
const markers = { status: 'STATUS', end: 'END' };

describe('launchCommand', () => {
  it('passes the markers and each element of the script argv as an argv element of its own', () => {
    const path = "/tmp/it's a dir/x.iv1.sh";
    expect(launchCommand([path], markers, null)).toEqual({ file: '/bin/sh', args: ['-c', PTY_BOOTSTRAP, 'sh', 'STATUS', 'END', path] });
    expect(launchCommand(['sh', '-c', "python3 '/tmp/x.py'"], markers, null).args.slice(3)).toEqual(['STATUS', 'END', 'sh', '-c', "python3 '/tmp/x.py'"]);
  });

  it('names the session shell sh, so its messages about the script file read as under sh -c <file>', () => {
    expect(SESSION_ARGV0).toBe('sh');
  });

  it('switches user through setpriv with the ids as numbers, the shell argv after --', () => {
    const command = launchCommand(['/tmp/x.sh'], markers, { user: nobody, setprivPath: '/usr/bin/setpriv' });
    expect(command).toEqual({
      file: '/usr/bin/setpriv',
      args: ['--reuid=65534', '--regid=65534', '--init-groups', '--', '/bin/sh', '-c', PTY_BOOTSTRAP, 'sh', 'STATUS', 'END', '/tmp/x.sh'],
    });
  });

  it('refuses an empty script argv', () => {
    expect(() => launchCommand([], markers, null)).toThrow(RangeError);
  });
});

describe('the standby session shell', () => {
  it('runs the same terminal settings and pipeline as a new session, its FIFO read in the pipeline\'s left side', () => {
    const settings = PTY_BOOTSTRAP.slice(0, PTY_BOOTSTRAP.indexOf(' 2>/dev/null'));
    expect(settings).toMatch(/^LC_ALL=C stty /);
    const pipeline = PTY_BOOTSTRAP.slice(PTY_BOOTSTRAP.indexOf('{ '));
    // The markers from its argv; the FIFO held read-write (fd 5) before the ready marker; then,
    // in the subshell, the same settings on the terminal (in the background, where stdin is
    // /dev/null), the run read, fd 5 closed, stty waited for, and the same script and cat
    // (which does not get fd 5 either).
    expect(STANDBY_BOOTSTRAP).toBe(
      'exec 3>&1; status=$3; end=$4; [ -p "$1" ] || mkfifo -m 600 "$1" 2>/dev/null || exit; exec 5<>"$1"; printf %s "$2"; ' +
        pipeline.replace('{ ', `{ ${settings} </dev/tty 2>/dev/null 5<&- & . "$1"; exec 5<&-; wait $!; `).replace('/dev/fd/4 4<<E', '/dev/fd/4 5<&- 4<<E'),
    );
    expect(standbyLaunchCommand('/tmp/f', 'READY', markers)).toEqual({ file: '/bin/sh', args: ['-c', STANDBY_BOOTSTRAP, 'sh', '/tmp/f', 'READY', 'STATUS', 'END'] });
  });

  it('refuses an empty script argv', () => {
    expect(() => standbyRun([], '/')).toThrow(RangeError);
  });

  it('ends the `.` that reads it from a FIFO whose writer is still open (the shell holds it read-write)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'casim-standby-run-'));
    try {
      const fifo = join(root, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const shell = spawn('/bin/sh', ['-c', '. "$1"; printf "%s|" "$PWD" "$@"', 'sh', fifo]);
      const out: Buffer[] = [];
      shell.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
      try {
        writeSync(fd, standbyRun(['/bin/echo', 'a b'], '/'));
        const code = await new Promise<number | null>((resolve) => shell.once('exit', resolve));
        expect(code).toBe(0);
        expect(Buffer.concat(out).toString()).toBe('/|/bin/echo|a b|');
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a directory it cannot enter ends the run with status 1 after the status marker, as a new session\'s chdir failure exits 1', () => {
    const root = mkdtempSync(join(tmpdir(), 'casim-standby-run-'));
    try {
      writeFileSync(join(root, 'run'), standbyRun(['/bin/true'], '/no/such/dir'));
      const shell = spawnSync('/bin/sh', ['-c', 'exec 3>&1; status=S; . "$1"; echo not reached', 'sh', join(root, 'run')]);
      expect(shell.stdout.toString()).toBe('S001');
      expect(shell.status).toBe(1);
      expect(shell.stderr.toString()).toContain("can't cd to /no/such/dir");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  // What the shell reads from its FIFO, sourced by the real /bin/sh: every value comes back as given.
  it.each([
    { argv: ['/tmp/x.iv1.sh'], cwd: '/' },
    { argv: ["/tmp/it's a dir/x.sh"], cwd: "/tmp/it's \"odd\" $HOME `x`" },
    { argv: ['sh', '-c', "python3 '/tmp/x.py' \"$1\"\nsecond line"], cwd: '/tmp/with space' },
  ])('sets the directory (as given in PWD) and "$@" for $argv', ({ argv, cwd }) => {
    const root = mkdtempSync(join(tmpdir(), 'casim-standby-run-'));
    try {
      const dir = cwd === '/' ? '/' : join(root, cwd.replace(/^\/tmp\//, ''));
      execFileSync('mkdir', ['-p', dir]);
      const runFile = join(root, 'run');
      writeFileSync(runFile, standbyRun(argv, dir));
      const out = execFileSync('/bin/sh', ['-c', '. "$1"; printf "%s\\0" "$PWD" "${OLDPWD-unset}" "$(pwd -P)" "$@"', 'sh', runFile], { cwd: '/', env: { PATH: '/usr/bin:/bin', OLDPWD: '/old' } });
      expect(out.toString('utf8').split('\0').slice(0, -1)).toEqual([dir, 'unset', dir, ...argv]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
