import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useServerWithAgent, waitForResults } from '../support/harness.js';

const env = useServerWithAgent('users');

async function run(params: Record<string, string | number>): Promise<Record<string, unknown> & { Output: string }> {
  const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', InstanceId: [env.local.instanceId], ...params });
  const [result] = await waitForResults(env.test.client, InvokeId);
  return result!;
}

describe('Username and WorkingDir (spec §3, reference agent §2.3–2.4)', () => {
  it('runs as root in /root by default', async () => {
    expect(await run({ CommandContent: 'id -un; pwd; echo "$HOME"' })).toMatchObject({ InvocationStatus: 'Success', Output: 'root\n/root\n/root\n', Username: 'root' });
  });

  it('runs as another user with that user\'s identity and real permissions', async () => {
    const result = await run({ CommandContent: 'id -un; echo "$USER $LOGNAME"; touch /etc/casim-should-fail', Username: 'nobody', WorkingDir: '/tmp' });
    expect(result.InvocationStatus).toBe('Failed');
    expect(result.Output).toMatch(/^nobody\nnobody nobody\ntouch: cannot touch '\/etc\/casim-should-fail': Permission denied\n$/);
    expect(existsSync('/etc/casim-should-fail')).toBe(false);
  });

  it('makes the run Invalid with AccountNotExists for an unknown user, without running it', async () => {
    const marker = `/tmp/casim-unknown-user-${Date.now()}`;
    const result = await run({ CommandContent: `touch ${marker}`, Username: 'no-such-user' });
    expect(result).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'AccountNotExists', ErrorInfo: 'the specified account does not exists' });
    expect(existsSync(marker)).toBe(false);
  });

  it('makes the run Invalid with DirectoryNotExists for a missing WorkingDir', async () => {
    expect(await run({ CommandContent: 'pwd', WorkingDir: '/no/such/dir' })).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: 'DirectoryNotExists' });
  });
});

describe('RepeatMode=DryRun (spec Decisions §7)', () => {
  it('passes the checks without executing anything', async () => {
    const marker = `/tmp/casim-dry-run-${Date.now()}`;
    const result = await run({ CommandContent: `touch ${marker}`, RepeatMode: 'DryRun', Username: 'nobody', WorkingDir: '/tmp' });
    expect(result).toMatchObject({ InvocationStatus: 'Success', ExitCode: 0, Output: '', Repeats: 0 });
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    [{ Username: 'no-such-user' }, 'AccountNotExists'],
    [{ WorkingDir: '/no/such/dir' }, 'DirectoryNotExists'],
  ])('reports the failed check %j as Invalid / %s', async (params, errorCode) => {
    expect(await run({ CommandContent: 'true', RepeatMode: 'DryRun', ...params })).toMatchObject({ InvocationStatus: 'Invalid', ErrorCode: errorCode });
  });
});
