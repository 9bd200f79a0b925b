import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError } from '../../cli/api-client.js';
import { docker, execIn, skipDocker, useCasimContainer } from '../support/docker.js';
import { waitFor } from '../support/harness.js';
import { FINAL_STATUSES } from '../../controlplane/invocations/aggregate-status.js';

/**
 * Execution fidelity on a Docker instance (issue "Execution fidelity on the agent"; DESIGN §2,
 * spec §7.4 and §19): users (uid, gid, supplementary groups, environment, home directory,
 * permissions), the agent's pre-checks, and a PTY that behaves like the real agent's pipes.
 */

interface Result {
  InstanceId: string;
  InvocationStatus: string;
  ErrorCode: string;
  ErrorInfo: string;
  ExitCode: number;
  Dropped: number;
  /** Base64-decoded Output: the exact bytes. */
  bytes: Buffer;
  text: string;
}

const FINAL = FINAL_STATUSES;

interface ResultsBody {
  Invocation: { InvocationResults: { InvocationResult: Array<Omit<Result, 'bytes' | 'text'> & { Output: string }> } };
}

describe.skipIf(skipDocker)('users and PTY fidelity on a Docker instance', () => {
  // The server in a container and one Docker instance, through the testcontainers module.
  const env = useCasimContainer((container) => container.withInstances(1, { name: 'e2e-users' }));
  const test = { client: env.client };
  let instanceId = '';
  let containerId = '';

  /** The one result of `invokeId`, Output decoded from Base64 (the default encoding). */
  async function resultOf(invokeId: string): Promise<Result & { InvocationStatus: string }> {
    const body = await test.client.call<ResultsBody>('DescribeInvocationResults', { InvokeId: invokeId, ContentEncoding: 'Base64' });
    const [row] = body.Invocation.InvocationResults.InvocationResult;
    if (!row) throw new Error(`no result for ${invokeId}`);
    const bytes = Buffer.from(row.Output, 'base64');
    return { ...row, bytes, text: bytes.toString('utf8') };
  }

  async function waitFinal(invokeId: string, timeoutMs = 60_000): Promise<Result> {
    return waitFor(async () => {
      const result = await resultOf(invokeId);
      return FINAL.has(result.InvocationStatus) ? result : undefined;
    }, timeoutMs, `the result of ${invokeId}`);
  }

  async function start(script: string, params: Record<string, string | number> = {}): Promise<string> {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: script,
      InstanceId: [instanceId],
      ...params,
    });
    return InvokeId;
  }

  async function run(script: string, params: Record<string, string | number> = {}, timeoutMs = 60_000): Promise<Result> {
    return waitFinal(await start(script, params), timeoutMs);
  }

  beforeAll(async () => {
    instanceId = env.casim.instanceIds[0]!;
    containerId = (await env.casim.containerIdOf(instanceId))!;
  });

  describe('Username', () => {
    it('runs as alice with her uid, primary gid and supplementary group devs', async () => {
      const result = await run('id; id -un; id -gn; id -Gn', { Username: 'alice' });
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('uid=1001(alice) gid=1001(alice) groups=1001(alice),1100(devs)\nalice\nalice\nalice devs\n');
    });

    it("gives alice her HOME, USER and LOGNAME, and starts in her home directory by default", async () => {
      const result = await run('echo "HOME=$HOME"; echo "USER=$USER"; echo "LOGNAME=$LOGNAME"; pwd', { Username: 'alice' });
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('HOME=/home/alice\nUSER=alice\nLOGNAME=alice\n/home/alice\n');
    });

    it('runs as bob with only his own group', async () => {
      const result = await run('id', { Username: 'bob' });
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('uid=1002(bob) gid=1002(bob) groups=1002(bob)\n');
    });

    it("leaks none of the agent's environment (its instance secret) into scripts, as root or as alice", async () => {
      for (const Username of ['root', 'alice']) {
        const result = await run('env | grep -c "^CASIM_" || true; env | grep -q SECRET && echo leaked || echo clean', { Username });
        expect(result.InvocationStatus, Username).toBe('Success');
        expect(result.text, Username).toBe('0\nclean\n');
      }
    });

    it('does not let alice read /root: Failed, ExitCodeNonzero, "Permission denied" in Output', async () => {
      const result = await run('ls /root', { Username: 'alice' });
      expect(result.InvocationStatus).toBe('Failed');
      expect(result.ErrorCode).toBe('ExitCodeNonzero');
      expect(result.ErrorInfo).toBe('the command execution exit code is not zero');
      expect(result.ExitCode).toBe(2);
      expect(result.text).toContain('Permission denied');
    });

    it('does not let alice write to /etc', async () => {
      const result = await run('touch /etc/casim-alice-was-here', { Username: 'alice' });
      expect(result.InvocationStatus).toBe('Failed');
      expect(result.ErrorCode).toBe('ExitCodeNonzero');
      expect(result.text).toContain('Permission denied');
      const check = await execIn(containerId, ['test', '-e', '/etc/casim-alice-was-here']);
      expect(check.exitCode).toBe(1);
    });

    it('runs as root in /root when no Username is given', async () => {
      const result = await run('id -u; id -un; pwd; echo "HOME=$HOME"');
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('0\nroot\n/root\nHOME=/root\n');
    });

    it('returns Invalid / AccountNotExists for a user the instance does not have', async () => {
      const result = await run('echo should-not-run', { Username: 'nosuchuser' });
      expect(result.InvocationStatus).toBe('Invalid');
      expect(result.ErrorCode).toBe('AccountNotExists');
      expect(result.ErrorInfo).toBe('the specified account does not exists');
      expect(result.text).not.toContain('should-not-run');
    });

    it('returns Invalid / DirectoryNotExists for a WorkingDir that does not exist', async () => {
      const result = await run('echo should-not-run', { WorkingDir: '/no/such/dir' });
      expect(result.InvocationStatus).toBe('Invalid');
      expect(result.ErrorCode).toBe('DirectoryNotExists');
      expect(result.ErrorInfo).toBe('the specified directory does not exists');
      expect(result.text).not.toContain('should-not-run');
    });

    it('runs in the given WorkingDir', async () => {
      const result = await run('pwd', { WorkingDir: '/tmp', Username: 'bob' });
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('/tmp\n');
    });
  });

  describe('the PTY behaves like pipes', () => {
    it('keeps \\n line endings: printf gives exactly "a\\nb\\n"', async () => {
      const result = await run("printf 'a\\nb\\n'");
      expect(result.InvocationStatus).toBe('Success');
      expect(result.bytes.equals(Buffer.from('a\nb\n'))).toBe(true);
    });

    it('gives stdin EOF at once: `read x` does not wait for the timeout', async () => {
      const started = Date.now();
      const result = await run('read x; echo "[$x]"', { Timeout: 60 });
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('[]\n');
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('sets PAGER=cat and TERM=dumb; a pager whose output is piped and pydoc do not block', async () => {
      // No man, less or git in the image: util-linux `more` (also `pager`) and pydoc stand in.
      const result = await run(
        'echo "PAGER=$PAGER GIT_PAGER=$GIT_PAGER SYSTEMD_PAGER=$SYSTEMD_PAGER TERM=$TERM"; seq 1 300 | more | tail -n 1; ' +
          "python3 -c 'help(len)' | head -n 1",
        { Timeout: 60 },
      );
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('PAGER=cat GIT_PAGER=cat SYSTEMD_PAGER=cat TERM=dumb\n300\nHelp on built-in function len in module builtins:\n');
    });

    // With the real agent's pipes, stdout is not a terminal: `more` copies its input and exits.
    it('a pager writing to the script\'s own stdout does not block (`seq 1 300 | more`)', async () => {
      const started = Date.now();
      const result = await run('seq 1 300 | more; echo done', { Timeout: 10 });
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe(`${Array.from({ length: 300 }, (_, i) => i + 1).join('\n')}\ndone\n`);
      expect(Date.now() - started).toBeLessThan(9_000);
    });

    it('keeps UTF-8 text', async () => {
      const result = await run('echo 中文');
      expect(result.InvocationStatus).toBe('Success');
      expect(result.bytes.equals(Buffer.from('中文\n', 'utf8'))).toBe(true);
    });

    it('keeps arbitrary bytes: printf "\\xff" gives the single byte ff in the Base64 Output', async () => {
      const result = await run("printf '\\377'");
      expect(result.InvocationStatus).toBe('Success');
      expect([...result.bytes]).toEqual([0xff]);
    });

    it('passes all 256 byte values through unchanged (no \\r, tab or control-byte processing)', async () => {
      const result = await run("python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) + bytes(range(255, -1, -1)))'");
      expect(result.InvocationStatus).toBe('Success');
      const expected = Buffer.concat([Buffer.from([...Array(256).keys()]), Buffer.from([...Array(256).keys()].reverse())]);
      expect(result.bytes.toString('hex')).toBe(expected.toString('hex'));
    });

    it('keeps a carriage return the script writes itself and a last line without a newline', async () => {
      const result = await run("printf 'progress 10%%\\rprogress 100%%\\n'; printf 'no newline'");
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('progress 10%\rprogress 100%\nno newline');
    });

    it('interleaves stdout and stderr in order', async () => {
      const result = await run('echo a; echo b >&2; echo c');
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('a\nb\nc\n');
    });

    it('adds no terminal escape codes to ls output (ls --color=auto)', async () => {
      const result = await run('rm -rf /tmp/lsdir; mkdir -p /tmp/lsdir/sub && touch /tmp/lsdir/file /tmp/lsdir/run.sh && chmod +x /tmp/lsdir/run.sh && ls --color=auto -F /tmp/lsdir');
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).not.toContain('\u001b');
      expect(result.text.replace(/\s+/g, ' ').trim()).toBe('file run.sh* sub/');
    });

    // With the real agent's pipes, ls is not writing to a terminal: one name per line.
    it('lists one name per line with plain `ls`, as on a pipe', async () => {
      const result = await run('rm -rf /tmp/lsdir2; mkdir -p /tmp/lsdir2/sub && touch /tmp/lsdir2/file && ls /tmp/lsdir2');
      expect(result.InvocationStatus).toBe('Success');
      expect(result.text).toBe('file\nsub\n');
    });
  });

  /** Peak memory of the instance container (cgroup v2 memory.peak or v1 max_usage_in_bytes), bytes. */
  async function containerMemoryPeak(): Promise<number> {
    const { output } = await execIn(containerId, [
      'sh', '-c', 'cat /sys/fs/cgroup/memory.peak 2>/dev/null || cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes',
    ]);
    return Number(output.trim());
  }

  /** Peak resident set (VmHWM) of the agent process in the container, bytes. */
  async function agentPeakRss(): Promise<number> {
    const { output } = await execIn(containerId, [
      'sh', '-c', 'for p in $(pgrep -f "^node .*casim\\.js agent"); do grep VmHWM /proc/$p/status; done',
    ]);
    const kb = output.split('\n').map((line) => Number(/VmHWM:\s+(\d+) kB/.exec(line)?.[1] ?? NaN)).filter(Number.isFinite);
    return Math.max(...kb) * 1024;
  }

  it('keeps 24576 bytes of 100 MB of output, Dropped the exact rest, and the instance stays under 300 MB', async () => {
    const total = 100_000_000;
    const result = await run(`head -c ${total} /dev/zero | tr '\\0' x`, { Timeout: 300 }, 150_000);
    expect(result.InvocationStatus).toBe('Success');
    expect(result.bytes.length).toBe(24576);
    expect(result.Dropped).toBe(total - 24576);
    expect(result.bytes.equals(Buffer.alloc(24576, 'x'))).toBe(true);
    const containerPeak = await containerMemoryPeak();
    const agentPeak = await agentPeakRss();
    expect(containerPeak, 'container memory peak').toBeGreaterThan(0);
    expect(agentPeak, 'agent VmHWM').toBeGreaterThan(0);
    expect(containerPeak, `container memory peak ${containerPeak} B`).toBeLessThan(300 * 1024 * 1024);
    expect(agentPeak, `agent VmHWM ${agentPeak} B`).toBeLessThan(300 * 1024 * 1024);
  }, 180_000);

  it('StopInvocation with TerminationMode ProcessTree: Terminated, and no sleep is left on the instance', async () => {
    const invokeId = await start('sleep 300 & sleep 300', { TerminationMode: 'ProcessTree', Timeout: 600 });
    await waitFor(async () => {
      const { output } = await execIn(containerId, ['ps', '-eo', 'comm']);
      return output.split('\n').filter((c) => c.trim() === 'sleep').length === 2 ? true : undefined;
    }, 30_000, 'both sleeps running');
    await waitFor(async () => ((await resultOf(invokeId)).InvocationStatus === 'Running' ? true : undefined), 10_000, 'the run Running');
    await test.client.call('StopInvocation', { InvokeId: invokeId, InstanceId: [instanceId] });
    const result = await waitFinal(invokeId, 30_000);
    expect(result.InvocationStatus).toBe('Terminated');
    await waitFor(async () => {
      const { output } = await execIn(containerId, ['ps', '-eo', 'comm']);
      return output.split('\n').some((c) => c.trim() === 'sleep') ? undefined : true;
    }, 10_000, 'no sleep left');
  });

  it('refuses an unknown instance with InvalidInstance.NotFound', async () => {
    const error = await test.client
      .call('RunCommand', { Type: 'RunShellScript', CommandContent: 'id', InstanceId: ['i-doesnotexist000000'] })
      .then(() => undefined, (e: unknown) => e as ApiCallError);
    expect(error?.status).toBe(404);
    expect(error?.code).toBe('InvalidInstance.NotFound');
  });

  it('the instance container is the one the fleet labelled', async () => {
    const info = await docker.getContainer(containerId).inspect();
    expect(info.Config.Hostname).toBe(instanceId);
    expect(info.HostConfig.NetworkMode).toBe('host');
  });
});
