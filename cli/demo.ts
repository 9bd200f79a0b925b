/**
 * `make demo`: starts the server and 3 Docker instances, runs a real script on all of them
 * through the official SDK (@alicloud/ecs20140526), prints each instance's status and output,
 * and shows how to call the server from your own code. The server keeps running until Ctrl-C,
 * which removes the instances and then stops the server (CASIM_DEMO_EXIT=1 ends the demo right
 * away instead). The order of start and end is in demo-session.ts.
 */
import * as ecsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../controlplane/access-keys.js';
import { removeInstanceContainersOf } from '../controlplane/fleet/orphan-containers.js';
import { clientFor, DEFAULT_PORT } from './client-options.js';
import { startDemoServer } from './demo-server-process.js';
import { DemoSession, interruptHandler } from './demo-session.js';
import { deleteInstances, fleetDown, fleetUp } from './fleet-commands.js';

const port = Number(process.env.CASIM_PORT ?? DEFAULT_PORT);
const server = `http://127.0.0.1:${port}`;
const keyId = process.env.CASIM_ACCESS_KEY_ID ?? DEFAULT_ACCESS_KEY_ID;
const keySecret = process.env.CASIM_ACCESS_KEY_SECRET ?? DEFAULT_ACCESS_KEY_SECRET;
const say = (text: string): void => void process.stdout.write(text + '\n');

async function answers(): Promise<boolean> {
  return fetch(server + '/').then(() => true, () => false);
}

function sdkClient(): InstanceType<typeof ecsModule.default.default> {
  const exported: unknown = ecsModule.default;
  const Client = typeof exported === 'function' ? (exported as typeof ecsModule.default.default) : ecsModule.default.default;
  return new Client(new $OpenApiUtil.Config({ accessKeyId: keyId, accessKeySecret: keySecret, endpoint: `127.0.0.1:${port}`, protocol: 'http' }));
}

const SCRIPT = `#!/bin/bash
echo "Hello from $(hostname) as $(id -un) in $(pwd)"
grep PRETTY_NAME /etc/os-release
echo "kernel: $(uname -r), user id: $(id -u)"`;

const client = clientFor(server);
const session = new DemoSession({
  serverAnswers: answers,
  // Instances of a crashed demo: their control plane (the demo's port) is not running.
  removeOrphanContainers: () =>
    removeInstanceContainersOf(server).catch((error: unknown) => {
      say(`casim: could not look for containers left by an earlier demo: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }),
  startServer: async () => (await startDemoServer(port, '.casim/demo', answers)).stop,
  removeInstances: (ids) => (ids ? deleteInstances(client, ids) : fleetDown(client)),
  say,
});
const onSignal = interruptHandler(session, (code) => process.exit(code), say);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

async function main(): Promise<void> {
  await session.begin();
  say('casim: starting 3 Docker instances (casim fleet up --count 3) ...');
  const ids = await fleetUp(client, 3, { waitSeconds: 90, name: 'demo', onCreated: (created) => session.track(created) });
  say(`casim: instances online: ${ids.join(', ')}`);

  say('casim: RunCommand through the official SDK @alicloud/ecs20140526 ...');
  const ecs = sdkClient();
  const ran = await ecs.runCommand(
    new ecsModule.RunCommandRequest({ regionId: 'cn-hangzhou', type: 'RunShellScript', commandContent: SCRIPT, instanceId: ids, timeout: 60 }),
  );
  const invokeId = ran.body?.invokeId ?? '';
  let results: ecsModule.DescribeInvocationResultsResponseBodyInvocationInvocationResultsInvocationResult[] = [];
  for (let i = 0; i < 120; i += 1) {
    const response = await ecs.describeInvocationResults(
      new ecsModule.DescribeInvocationResultsRequest({ regionId: 'cn-hangzhou', invokeId, contentEncoding: 'PlainText' }),
    );
    results = response.body?.invocation?.invocationResults?.invocationResult ?? [];
    if (results.length === ids.length && results.every((r) => !['Pending', 'Running'].includes(r.invocationStatus ?? ''))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  say(`\ninvocation ${invokeId}:`);
  for (const r of results) {
    say(`--- ${r.instanceId}: ${r.invocationStatus} (exit code ${r.exitCode})`);
    process.stdout.write((r.output ?? '').replace(/^(?=.)/gm, '    '));
  }
  say(`
Call it from your own code (Node, @alicloud/ecs20140526):

  const config = new $OpenApiUtil.Config({
    accessKeyId: '${keyId}', accessKeySecret: '${keySecret}',
    endpoint: '127.0.0.1:${port}', protocol: 'http',
  });
  const client = new Ecs.default(config);   // import Ecs, { RunCommandRequest } from '@alicloud/ecs20140526'
  await client.runCommand(new RunCommandRequest({ regionId: 'cn-hangzhou',
    type: 'RunShellScript', commandContent: 'uname -a', instanceId: ['${ids[0]}'] }));

or from the shell:  node dist/cli/casim.js run 'uname -a'
list instances:     node dist/cli/casim.js fleet ls
`);
  if (process.env.CASIM_DEMO_EXIT === '1') {
    await session.end();
    process.exitCode = results.every((r) => r.invocationStatus === 'Success') ? 0 : 1;
    return;
  }
  say('The server keeps running on ' + server + '. Press Ctrl-C to remove the instances and stop it.');
}

main().catch(async (error: unknown) => {
  process.stderr.write(`casim demo: ${error instanceof Error ? error.message : String(error)}\n`);
  await session.end().catch((e: unknown) => process.stderr.write(`casim demo: ${e instanceof Error ? e.message : String(e)}\n`));
  process.exit(1);
});
