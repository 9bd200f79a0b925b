import type { PasswdEntry } from './passwd.js';

/**
 * The terminal a script sees. Wide, so tools that format to the terminal width (ps, ls,
 * systemctl) do not cut or wrap lines; `dumb`, so nothing emits colours or cursor codes.
 */
export const PTY_COLUMNS = 500;
export const PTY_ROWS = 50;
export const PTY_TERM = 'dumb';

export const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Login shells that only refuse a login; SHELL falls back to /bin/sh for those accounts. */
const NON_SHELLS = /(?:^|\/)(?:nologin|false)$/;

/**
 * A clean environment for a script run as `user`: nothing leaks from the agent except the
 * locale. Pagers are `cat` so nothing waits on a terminal that no one reads.
 */
export function scriptEnvironment(user: PasswdEntry, agentEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const shell = user.shell !== '' && !NON_SHELLS.test(user.shell) ? user.shell : '/bin/sh';
  const env: Record<string, string> = {
    PATH: STANDARD_PATH,
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
    SHELL: shell,
    LANG: agentEnv.LANG !== undefined && agentEnv.LANG !== '' ? agentEnv.LANG : 'C.UTF-8',
    TERM: PTY_TERM,
    PAGER: 'cat',
    GIT_PAGER: 'cat',
    SYSTEMD_PAGER: 'cat',
    SYSTEMD_COLORS: '0',
  };
  return env;
}
