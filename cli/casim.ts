#!/usr/bin/env node
import './agent-v8-flags.js'; // first: sets V8 flags for `casim agent` before the other modules load
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { ApiClient } from './api-client.js';
import { addFaultCommands } from './fault-commands.js';
import { DEFAULT_PORT, defaultServerUrl } from './server-url.js';

// Each command loads what it needs in its action: an idle `casim agent` (issue 10: ≤ 50 MB) does
// not load the API client, the fleet helpers or the control plane's modules. (The API client's
// ESM import of node:http made Node 22 load undici and http2 for the module namespace's lazy
// exports: ~3 MiB of an idle agent in the instance image.)

// commander through require, not `import`: an ES module import of a CommonJS package loads
// Node's cjs-module-lexer to find its named exports (0.35 MiB of an idle agent in the instance
// image; no other module of the agent is imported that way).
const { Command, InvalidArgumentError } = createRequire(import.meta.url)('commander') as typeof import('commander');

const clientFor = async (server: string): Promise<ApiClient> => (await import('./client-options.js')).clientFor(server);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const program = new Command('casim').description('A local simulator of Alibaba Cloud ECS Cloud Assistant, with real execution.');

program
  .command('server')
  .description('start the control plane: the API at / and agents at /agent, on one port')
  .option('--host <host>', 'address to listen on (env CASIM_HOST)', process.env.CASIM_HOST ?? '127.0.0.1')
  .option('--port <port>', 'port (env CASIM_PORT)', process.env.CASIM_PORT ?? String(DEFAULT_PORT))
  .option('--data-dir <dir>', 'where the SQLite store lives (env CASIM_DATA_DIR)', process.env.CASIM_DATA_DIR ?? './.casim')
  .option('--no-fleet', 'do not manage Docker instances (RunInstances is refused)')
  .option('--time-control', 'simulated time that POST /casim/admin/clock/advance moves forward (env CASIM_TIME_CONTROL=1)', process.env.CASIM_TIME_CONTROL === '1')
  .option('--admin', 'the admin endpoints: simulated time (as --time-control) and fault injection at /casim/admin/faults (env CASIM_ADMIN=1)', process.env.CASIM_ADMIN === '1')
  .option('--real-agent-port <port>', 'serve the real Cloud Assistant agent (aliyun-service) over HTTPS on this port (env CASIM_REAL_AGENT_PORT)', process.env.CASIM_REAL_AGENT_PORT)
  .option('--real-agent-cert-hosts <names>', 'comma-separated host names and IPs of its certificate (default localhost,127.0.0.1,::1 and --host)', process.env.CASIM_REAL_AGENT_CERT_HOSTS)
  .action(async (options: { host: string; port: string; dataDir: string; fleet: boolean; timeControl: boolean; admin: boolean; realAgentPort?: string; realAgentCertHosts?: string }) => {
    // Loaded here: the instance image carries only the agent's dependencies (no SQLite, no Docker client).
    const { startServer, DRAIN_TIMEOUT_MS } = await import('../controlplane/server.js');
    const { quotasFromEnv } = await import('../controlplane/api/handlers/context.js');
    const { dockerFleetOptionsFromEnv } = await import('../controlplane/fleet/docker-fleet-options.js');
    const { accessKeysFromEnv } = await import('../controlplane/access-keys.js');
    const { StartupError } = await import('../controlplane/startup/startup-error.js');
    const { AdjustableClock } = await import('../shared/clock.js');
    const keys = accessKeysFromEnv(process.env);
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer({
        host: options.host,
        port: Number(options.port),
        dataDir: resolve(options.dataDir),
        accessKeys: keys,
        fleet: options.fleet ? 'docker' : undefined,
        dockerFleet: dockerFleetOptionsFromEnv(process.env),
        quotas: quotasFromEnv(process.env),
        clock: options.timeControl || options.admin ? new AdjustableClock() : undefined,
        admin: options.admin,
        ...(options.realAgentPort !== undefined
          ? { realAgent: { port: Number(options.realAgentPort), ...(options.realAgentCertHosts ? { certHosts: options.realAgentCertHosts.split(',').map((h) => h.trim()).filter(Boolean) } : {}) } }
          : {}),
      });
    } catch (error) {
      // A data dir, store, lock or port problem: one line naming the path and the cause.
      if (!(error instanceof StartupError)) throw error;
      process.stderr.write(`casim server: ${error.message}\n`);
      process.exit(1);
    }
    // A server on 0.0.0.0 is reached on loopback from this machine.
    const local = server.url.replace('//0.0.0.0:', '//127.0.0.1:');
    process.stdout.write(
      `casim server on ${server.url}\n` +
        `  SDK endpoint: ${local.replace('http://', '')} (protocol http)
` +
        `  AccessKeyId: ${keys[0]!.id}
  AccessKeySecret: ${keys[0]!.secret}
` +
        `  Console: ${local}/console (sign in with the key pair)
` +
        (server.realAgent
          ? `  real agent (aliyun-service): ALIYUN_ASSIST_SERVER_HOST=${server.realAgent.serverHost} ALIYUN_ASSIST_CERT_PATH=${server.realAgent.caCertPath}
`
          : ''),
    );
    const running = server;
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      const closed = running.close(); // stops accepting connections before the line below is written
      process.stdout.write(
        `casim server: ${signal}: draining: no new connections, ${running.inFlightCalls()} call(s) in flight get at most ${DRAIN_TIMEOUT_MS / 1000} s\n`,
      );
      closed.then(
        () => {
          process.stdout.write('casim server: stopped\n');
          process.exit(0);
        },
        (error: unknown) => {
          process.stderr.write(`casim server: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

program
  .command('agent')
  .description('run an agent: registers once through an activation, then reconnects with the saved identity')
  .option('--server <url>', 'control plane URL (env CASIM_SERVER)', process.env.CASIM_SERVER ?? defaultServerUrl())
  .option('--activation-id <id>', 'from CreateActivation')
  .option('--activation-code <code>', 'from CreateActivation')
  .option('--state-dir <dir>', 'where the identity and scripts are kept', process.env.CASIM_STATE_DIR ?? './.casim/agent')
  .option('--name <name>', 'instance name to register with')
  .option('--allow-power-actions', 'let exit code 194 / 193 reboot / power off this machine')
  .action(async (options: { server: string; activationId?: string; activationCode?: string; stateDir: string; name?: string; allowPowerActions?: boolean }) => {
    const { Agent } = await import('../agent/agent.js');
    const { createDeferredLogger } = await import('../shared/logger.js');
    const id = process.env.CASIM_INSTANCE_ID;
    const secret = process.env.CASIM_INSTANCE_SECRET;
    const agent = new Agent({
      server: options.server,
      stateDir: resolve(options.stateDir),
      identity: id && secret ? { instanceId: id, secret } : undefined,
      activation: options.activationId && options.activationCode ? { id: options.activationId, code: options.activationCode } : undefined,
      name: options.name,
      allowPowerActions: options.allowPowerActions === true,
      logger: createDeferredLogger('agent'),
    });
    agent.start();
    void agent.fatal.then(() => process.exit(2));
    const shutdown = (): void => {
      agent.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

const fleet = program.command('fleet').description('Docker instances (each an i-… instance with its own agent)');
const serverOption = ['--server <url>', 'control plane URL', defaultServerUrl()] as const;
fleet
  .command('up')
  .description('start N instances and wait until their agents are online')
  .option(...serverOption)
  .option('--count <n>', 'how many', positiveInt, 1)
  .option('--image <image>', 'instance image (default casim/instance)')
  .option('--name <name>', 'instance name prefix')
  .option('--agent <kind>', 'casim (an i-… instance with casim\'s agent) or real (a managed mi-… instance running --agent-binary)', 'casim')
  .option('--agent-binary <path>', 'with --agent real: the aliyun-service binary to run in each container')
  .action(async (options: { server: string; count: number; image?: string; name?: string; agent: string; agentBinary?: string }) => {
    if (options.agent === 'real') {
      if (!options.agentBinary) throw new InvalidArgumentError('--agent real needs --agent-binary PATH');
      const { realAgentFleetUp } = await import('./real-agent-fleet.js');
      const ids = await realAgentFleetUp(await clientFor(options.server), options.server, options.count, { binary: options.agentBinary, image: options.image, name: options.name, waitSeconds: 90 });
      process.stdout.write(ids.join('\n') + '\n');
      return;
    }
    if (options.agent !== 'casim') throw new InvalidArgumentError(`--agent ${options.agent}: expected casim or real`);
    const { fleetUp } = await import('./fleet-commands.js');
    const ids = await fleetUp(await clientFor(options.server), options.count, { image: options.image, name: options.name, waitSeconds: 90 });
    process.stdout.write(ids.join('\n') + '\n');
  });
fleet
  .command('ls')
  .description('list instances with their Cloud Assistant status')
  .option(...serverOption)
  .action(async (options: { server: string }) => {
    const { fleetList } = await import('./fleet-commands.js');
    process.stdout.write((await fleetList(await clientFor(options.server))) + '\n');
  });
fleet
  .command('down')
  .description('delete every instance and its container')
  .option(...serverOption)
  .action(async (options: { server: string }) => {
    const { fleetDown } = await import('./fleet-commands.js');
    const ids = await fleetDown(await clientFor(options.server));
    process.stdout.write(`deleted ${ids.length} instance(s)\n`);
  });

program
  .command('run')
  .description('run a shell script on instances (RunCommand) and show live output')
  .argument('<script>', 'the script text')
  .option(...serverOption)
  .option('-i, --instance <id>', 'an instance ID; repeat for more (default: every fleet instance)', (id: string, ids: string[]) => [...ids, id], [] as string[])
  .option('--timeout <seconds>', 'Timeout', positiveInt)
  .option('--username <user>', 'Username')
  .option('--working-dir <dir>', 'WorkingDir')
  .action(async (script: string, options: { server: string; instance: string[]; timeout?: number; username?: string; workingDir?: string }) => {
    const { runAndFollow } = await import('./run-command.js');
    const client = await clientFor(options.server);
    let ids = options.instance;
    if (ids.length === 0) {
      const body = await client.call<{ Instances: { Instance: Array<{ InstanceId: string }> } }>('DescribeInstances', { PageSize: 100 });
      ids = body.Instances.Instance.map((i) => i.InstanceId);
    }
    if (ids.length === 0) throw new Error('no instances: start some with `casim fleet up --count 3` or pass --instance');
    const ok = await runAndFollow(client, { instanceIds: ids, script, ...options, write: (t) => process.stdout.write(t) });
    process.exitCode = ok ? 0 : 1;
  });

addFaultCommands(program, serverOption);

program
  .command('loadgen')
  .description('simulated agents: register N instances over the real protocol and answer every task at once (no machines, no scripts run)')
  .requiredOption('--agents <n>', 'how many', positiveInt)
  .option(...serverOption)
  .option('--concurrency <n>', 'agents registering at the same time', positiveInt, 50)
  .action(async (options: { agents: number; server: string; concurrency: number }) => {
    const { runLoadgen } = await import('../loadgen/run-loadgen.js');
    await runLoadgen({ ...options, client: await clientFor(options.server), write: (t) => process.stdout.write(t) });
  });

program
  .command('clock')
  .description('show simulated time, or move it forward (server started with --time-control)')
  .argument('[advance]', '"advance" to move time forward')
  .argument('[seconds]', 'how far, in seconds')
  .option(...serverOption)
  .action(async (verb: string | undefined, seconds: string | undefined, options: { server: string }) => {
    const base = `${options.server.replace(/\/$/, '')}/casim/admin/clock`;
    if (verb !== undefined && verb !== 'advance') throw new Error('usage: casim clock [advance <seconds>]');
    const response = verb === 'advance' ? await fetch(`${base}/advance?seconds=${Number(seconds)}`, { method: 'POST' }) : await fetch(base);
    const body = (await response.json()) as Record<string, string>;
    if (!response.ok) throw new Error(`${body.Code ?? response.status}: ${body.Message ?? ''}`);
    process.stdout.write(`simulated time: ${body.Now}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  // An ApiCallError (cli/api-client.ts) is an Error too.
  process.stderr.write(`casim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
