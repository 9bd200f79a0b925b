import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_KEY, useServerWithAgent } from '../support/harness.js';

const CLI = join(process.cwd(), 'dist/cli/casim.js');
const env = useServerWithAgent('cli-target');

/**
 * `casim run` as a user types it: a real process with the CASIM_ACCESS_KEY_* credentials
 * (asynchronous: the server and the agent live in this test process).
 */
function casimRun(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error('dist/cli/casim.js is missing: run `npm run build` first (make test does)');
  const child = spawn(process.execPath, [CLI, 'run', '--server', env.test.server.url, ...args], {
    env: { ...process.env, CASIM_ACCESS_KEY_ID: TEST_KEY.id, CASIM_ACCESS_KEY_SECRET: TEST_KEY.secret },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('casim run', () => {
  it('shows the output and the final status, and exits 0 when every instance succeeds', async () => {
    const { status, stdout } = await casimRun(['-i', env.local.instanceId, 'echo hello from casim; id -un']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^invocation t-\w+\n/);
    expect(stdout).toContain('hello from casim\nroot\n');
    expect(stdout).toContain(`${env.local.instanceId}: Success (exit code 0)\n`);
  });

  it('exits 1 and shows the error code when the script fails', async () => {
    const { status, stdout } = await casimRun(['-i', env.local.instanceId, '--timeout', '10', 'exit 5']);
    expect(status).toBe(1);
    expect(stdout).toContain(`${env.local.instanceId}: Failed (exit code 5) ExitCodeNonzero: the command execution exit code is not zero\n`);
  });

  it('prints the API error and exits 1 for an unknown instance', async () => {
    const { status, stderr } = await casimRun(['-i', 'i-nope', 'true']);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^casim: InvalidInstance\.NotFound: The specified instance does not exist\. \(HTTP 404, RequestId [0-9A-F-]{36}\)\n$/);
  });
});
