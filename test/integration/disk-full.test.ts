import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { ApiCallError } from '../../cli/api-client.js';
import { STORE_FILE } from '../../controlplane/server.js';
import { createLogger } from '../../shared/logger.js';
import { removeDir, waitFor, waitForResults } from '../support/harness.js';
import { killAndWait, tempDir } from '../support/processes.js';
import { startedServer, type StartedServer } from '../support/server-process.js';

/**
 * The control plane's data dir on a small tmpfs that is then filled to the last byte. API calls
 * answer ServiceUnavailable and run nothing; the agent's final report cannot be stored, stays
 * unacknowledged and is re-sent; once space returns it lands. Nothing stored is lost and the
 * server never stops. Needs root for the mount (CI runs as root).
 */
const mountPoint = tempDir('casim-disk-full-');
let server: StartedServer | undefined;
let agent: Agent | undefined;
let pin: Database.Database | undefined;
const dirs: string[] = [];

afterAll(async () => {
  if (pin?.open) pin.close();
  agent?.stop();
  if (server) await killAndWait(server.child);
  try {
    execFileSync('umount', [mountPoint]);
  } catch {
    // not mounted
  }
  removeDir(mountPoint);
  for (const dir of dirs) removeDir(dir);
});

/** Writes zeros until the file system has no byte left. */
function fill(file: string): number {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    // the last few bytes
    try {
      for (;;) written += writeSync(fd, Buffer.alloc(512));
    } catch {
      // full
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

describe('a full disk under the control plane', () => {
  it('answers ServiceUnavailable, runs nothing it did not store, and loses no agent report', async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mountPoint]);
    const dataDir = join(mountPoint, 'data');
    mkdirSync(dataDir);
    server = await startedServer(dataDir);
    const client = server.client;
    const { ActivationId, ActivationCode } = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
    const stateDir = tempDir('casim-disk-full-agent-');
    const markerDir = tempDir('casim-disk-full-marker-');
    dirs.push(stateDir, markerDir);
    const marker = join(markerDir, 'runs');
    agent = new Agent({ server: server.url, stateDir, activation: { id: ActivationId, code: ActivationCode }, logger: createLogger('test-agent') });
    agent.start();
    const instanceId = await waitFor(() => agent!.instanceId, 15_000, 'registration');
    const before = await client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'echo stored-before', InstanceId: [instanceId] });
    await waitForResults(client, before.InvokeId);
    // A run that is going when the disk fills up, and finishes while it is full.
    const long = await client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript', CommandContent: `echo begin; while [ ! -e ${markerDir}/go ]; do sleep 0.1; done; echo end`, InstanceId: [instanceId],
    });
    await waitFor(async () => {
      const body = await client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string }> } } }>('DescribeInvocationResults', { InvokeId: long.InvokeId });
      return body.Invocation.InvocationResults.InvocationResult[0]?.InvocationStatus === 'Running' ? true : undefined;
    }, 15_000, 'the long run to start');

    const { CommandId } = await client.call<{ CommandId: string }>('CreateCommand', { Name: 'disk-full', Type: 'RunShellScript', CommandContent: Buffer.from('true').toString('base64') });
    // A reader holds its snapshot meanwhile (as a long read would): the WAL cannot be rewound, so
    // every commit from now on needs new space. Without it a commit may reuse the WAL's space once
    // the checkpoint worker has copied it, and a small report can land on the full disk.
    pin = new Database(join(dataDir, STORE_FILE), { readonly: true });
    pin.exec('BEGIN');
    pin.prepare('SELECT COUNT(*) AS n FROM invocations').get();
    const filler = join(mountPoint, 'filler');
    expect(fill(filler)).toBeGreaterThan(1024 * 1024);
    // Calls that must write now fail (the store's spare pages run out within a few).
    const padding = `# ${'x'.repeat(11_000)}\n`;
    let accepted = 0;
    let refused: ApiCallError | undefined;
    for (let attempt = 0; attempt < 400 && !refused; attempt += 1) {
      try {
        await client.call('RunCommand', { Type: 'RunShellScript', CommandContent: `${padding}echo ran >> ${marker}`, InstanceId: [instanceId] });
        accepted += 1;
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error;
        refused = error;
      }
    }
    expect(refused).toBeDefined();
    expect(refused!).toMatchObject({ status: 500, code: 'ServiceUnavailable' });
    expect(refused!.message).toContain('The request has failed due to a temporary failure of the server.');
    expect(refused!.requestId).toMatch(/^[0-9A-F-]{36}$/);
    // The refused call's frames were partly written: the WAL's file has room left for a smaller
    // commit. Small writes (a command's description: a few pages) use it up until one is refused
    // too, so the final report (more pages than one of those) cannot fit.
    let drained = false;
    for (let attempt = 0; attempt < 400 && !drained; attempt += 1) {
      try {
        await client.call('ModifyCommand', { CommandId, Description: `attempt ${attempt}` });
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error;
        drained = true;
      }
    }
    expect(drained).toBe(true);

    // The long run ends now; its final report cannot be stored and is not acknowledged.
    writeFileSync(join(markerDir, 'go'), '');
    await waitFor(() => (/store unavailable: agent message not acknowledged/.test(server!.stderr()) ? true : undefined), 20_000, 'the refused report');
    expect(server.child.exitCode).toBeNull();

    // Space returns: the re-sent report lands; nothing stored before is lost.
    pin.exec('COMMIT');
    pin.close();
    rmSync(filler);
    const [longResult] = await waitForResults(client, long.InvokeId, 30_000);
    expect(longResult).toMatchObject({ InvocationStatus: 'Success', Output: 'begin\nend\n' });
    const [beforeResult] = await waitForResults(client, before.InvokeId);
    expect(beforeResult).toMatchObject({ InvocationStatus: 'Success', Output: 'stored-before\n' });
    // Exactly the calls that were answered with an InvokeId ran; the refused one did not.
    const ran = (): number => (existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter(Boolean).length : 0);
    await waitFor(() => (ran() >= accepted ? true : undefined), 30_000, 'the accepted runs');
    const everyRun = await client.call<{ Invocations: { Invocation: unknown[] } }>('DescribeInvocations', { InstanceId: instanceId, MaxResults: 50 });
    expect(ran()).toBe(accepted);
    expect(everyRun.Invocations.Invocation.length).toBe(Math.min(50, accepted + 2));
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});
