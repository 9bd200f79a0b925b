import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as $Ecs from '@alicloud/ecs20140526';
import { describe, expect, it } from 'vitest';
import { CasimContainer, SESSION_LABEL, SESSION_PID_LABEL } from '../../testkit/testcontainers/index.js';
import { docker, skipDocker, useCasimContainer } from '../support/docker.js';
import { waitForResults } from '../support/harness.js';

const ORPHAN = join(process.cwd(), 'test/e2e/fixtures/orphan-session.mjs');

async function sessionContainers(sessionId: string): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${sessionId}`] } });
  return containers.map((c) => c.Names[0] ?? c.Id).sort();
}

describe.skipIf(skipDocker)('CasimContainer (cloud-assistant-sim/testcontainers)', () => {
  const env = useCasimContainer((container) => container.withInstances(2).withTimeControl().withAccessKey('tc-key', 'tc-secret'));

  it('gives the endpoint, the credentials and online i- instances, each a labelled container', async () => {
    const { casim } = env;
    expect(casim.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(casim.credentials).toEqual({ accessKeyId: 'tc-key', accessKeySecret: 'tc-secret', regionId: 'cn-hangzhou' });
    expect(casim.instanceIds).toHaveLength(2);
    const names = await sessionContainers(casim.session.id);
    expect(names).toHaveLength(3); // the server and two instances
    for (const id of casim.instanceIds) expect(names).toContain(`/casim-${id}`);
  });

  it('gives an official SDK client that runs a script on the instances', async () => {
    const { casim } = env;
    const ecs = await casim.ecsClient();
    const { body } = await ecs.runCommand(
      new $Ecs.RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: 'echo "on $(hostname)"', instanceId: [...casim.instanceIds] }),
    );
    const results = await waitForResults(casim.api, body!.invokeId!, 60_000);
    expect(results.map((r) => [r.InvocationStatus, r.Output]).sort()).toEqual(casim.instanceIds.map((id) => ['Success', `on ${id}\n`]).sort());
  });

  it('refuses a client signed with another key (InvalidAccessKeyId.NotFound)', async () => {
    const { casim } = env;
    const ecs = await casim.ecsClient();
    const wrong = await import('../../testkit/ecs-client.js').then((m) =>
      m.createEcsClient(casim.endpoint, { ...casim.credentials, accessKeyId: 'other-key' }),
    );
    await expect(ecs.describeRegions(new $Ecs.DescribeRegionsRequest({}))).resolves.toBeDefined();
    await expect(wrong.describeRegions(new $Ecs.DescribeRegionsRequest({}))).rejects.toMatchObject({ code: 'InvalidAccessKeyId.NotFound' });
  });

  it('moves simulated time forward with clock.advance()', async () => {
    const before = await env.casim.clock.now();
    const after = await env.casim.clock.advance(86_400);
    expect(after.getTime() - before.getTime()).toBeGreaterThanOrEqual(86_400_000);
    expect((await env.casim.clock.now()).getTime()).toBeGreaterThanOrEqual(after.getTime());
  });

  it('stop() removes the instances and the server', async () => {
    const casim = await new CasimContainer().withInstances(1, { name: 'stopme' }).start();
    expect(await sessionContainers(casim.session.id)).toHaveLength(2);
    await casim.stop();
    expect(await sessionContainers(casim.session.id)).toEqual([]);
  });

  it('removes the containers of a session whose test process was killed, at the next start', async () => {
    expect(existsSync(ORPHAN), 'dist/ is built by make test').toBe(true);
    const child = spawn(process.execPath, [ORPHAN], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TESTCONTAINERS_RYUK_DISABLED: 'true' } });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`orphan fixture exited (${code}) before it was ready`)));
    });
    const orphan = JSON.parse(line) as { session: string; instanceIds: string[] };
    const left = await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${orphan.session}`] } });
    expect(left).toHaveLength(2);
    expect(left.every((c) => c.Labels[SESSION_PID_LABEL] === String(child.pid))).toBe(true);

    child.kill('SIGKILL');
    await exited;
    expect(await sessionContainers(orphan.session)).toHaveLength(2); // nothing cleaned up yet

    const next = await new CasimContainer().start();
    try {
      expect(await sessionContainers(orphan.session)).toEqual([]);
      expect(await sessionContainers(env.casim.session.id)).toHaveLength(3); // a live session stays
    } finally {
      await next.stop();
    }
  });
});
