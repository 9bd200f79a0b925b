import { describe, expect, it } from 'vitest';
import { launchCommand, PTY_BOOTSTRAP, SESSION_ARGV0 } from '../../agent/runner/launch-command.js';
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
