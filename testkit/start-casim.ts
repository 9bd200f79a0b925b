import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../agent/agent.js';
import { ApiClient } from '../cli/api-client.js';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../controlplane/access-keys.js';
import { startServer, type RunningServer } from '../controlplane/server.js';
import { AdjustableClock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { createEcsClient, type EcsClient, type EcsClientOptions } from './ecs-client.js';
import { HttpClock } from './http-clock.js';
import { HttpFaults } from './http-faults.js';
import type { Casim, CasimApi, CasimClock, CasimCredentials, CasimFaults } from './types.js';
import { waitForInstancesOnline } from './wait-online.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface StartCasimOptions {
  /** Local agents to start, each a managed instance `mi-…` (default 1; 0 for none). */
  readonly instances?: number;
  /** Name prefix of the instances (default `casim-local`: casim-local-1, casim-local-2, …). */
  readonly instanceName?: string;
  /** Simulated time that `casim.clock.advance()` moves forward (default off). */
  readonly timeControl?: boolean;
  /** Simulated time and fault injection (`casim.faults.add(…)`), as `casim server --admin` (default off). */
  readonly admin?: boolean;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Where the SQLite store lives (default: a temp dir, removed by stop()). */
  readonly dataDir?: string;
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  /** Default cn-hangzhou. */
  readonly regionId?: string;
  /** Server and agent logs on stderr (default `warn`, or CASIM_LOG_LEVEL). */
  readonly logLevel?: LogLevel;
  /** How long to wait for the agents to come online (default 30 s). */
  readonly startupTimeoutMs?: number;
}

/** A casim in this process: a control plane and local agents that run scripts as local processes. */
export interface LocalCasim extends Casim {
  /** Stops the agents (their running scripts are killed) and the server; removes temp dirs. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface LocalAgent {
  readonly agent: Agent;
  readonly stateDir: string;
}

function logger(component: string, level: LogLevel): Logger {
  return createLogger(component, { level });
}

function isLogLevel(value: string | undefined): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value ?? '');
}

class InProcessCasim implements LocalCasim {
  readonly url: string;
  readonly endpoint: string;
  readonly api: CasimApi;
  readonly clock: CasimClock;
  readonly faults: CasimFaults;
  instanceIds: readonly string[] = [];
  readonly agents: LocalAgent[] = [];
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly server: RunningServer,
    readonly credentials: CasimCredentials,
    private readonly dataDir: string | undefined,
  ) {
    this.url = server.url;
    this.endpoint = server.url.replace(/^http:\/\//, '');
    this.api = new ApiClient({ server: server.url, ...credentials });
    this.clock = new HttpClock(server.url);
    this.faults = new HttpFaults(server.url);
  }

  ecsClient(options?: EcsClientOptions): Promise<EcsClient> {
    return createEcsClient(this.endpoint, this.credentials, options);
  }

  async addAgents(count: number, name: string, level: LogLevel, timeoutMs: number): Promise<void> {
    if (count === 0) return;
    let fatal: string | undefined;
    const { ActivationId, ActivationCode } = await this.api.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {
      InstanceCount: count,
      InstanceName: name,
      Description: 'casim startCasim() local agents',
    });
    for (let i = 1; i <= count; i += 1) {
      const stateDir = mkdtempSync(join(tmpdir(), 'casim-local-agent-'));
      const agent = new Agent({
        server: this.url,
        stateDir,
        activation: { id: ActivationId, code: ActivationCode },
        name: `${name}-${i}`,
        logger: logger('agent', level),
      });
      this.agents.push({ agent, stateDir });
      void agent.fatal.then((reason) => (fatal ??= `${name}-${i}: ${reason}`));
      agent.start();
    }
    // Registration gives each agent its mi- ID; online is the control plane's view of its session.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (fatal !== undefined) throw new Error(`casim: a local agent gave up: ${fatal}`);
      const ids = this.agents.map((a) => a.agent.instanceId);
      if (ids.every((id): id is string => id !== undefined)) {
        await waitForInstancesOnline(this.api, ids, Math.max(0, deadline - Date.now()));
        this.instanceIds = ids;
        return;
      }
      if (Date.now() > deadline) throw new Error(`casim: local agents did not register within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const { agent } of this.agents) agent.stop();
      await this.server.close();
      for (const { stateDir } of this.agents) rmSync(stateDir, { recursive: true, force: true });
      if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
    })();
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/**
 * Starts casim in this process, without Docker: a control plane on loopback and `instances` local
 * agents registered through CreateActivation (managed instances `mi-…`) that run scripts as
 * processes of this machine, as this user. `await casim.stop()` ends them all.
 */
export async function startCasim(options: StartCasimOptions = {}): Promise<LocalCasim> {
  const count = options.instances ?? 1;
  if (!Number.isInteger(count) || count < 0) throw new RangeError('instances must be an integer ≥ 0');
  const envLevel = process.env.CASIM_LOG_LEVEL;
  const level = options.logLevel ?? (isLogLevel(envLevel) ? envLevel : 'warn');
  const tempDataDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'casim-local-')) : undefined;
  const credentials: CasimCredentials = {
    accessKeyId: options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
    accessKeySecret: options.accessKeySecret ?? DEFAULT_ACCESS_KEY_SECRET,
    regionId: options.regionId ?? 'cn-hangzhou',
  };
  const server = await startServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    dataDir: options.dataDir ?? tempDataDir!,
    accessKeys: [{ id: credentials.accessKeyId, secret: credentials.accessKeySecret }],
    clock: options.timeControl || options.admin ? new AdjustableClock() : undefined,
    admin: options.admin === true,
    logger: logger('controlplane', level),
  });
  const casim = new InProcessCasim(server, credentials, tempDataDir);
  try {
    await casim.addAgents(count, options.instanceName ?? 'casim-local', level, options.startupTimeoutMs ?? 30_000);
  } catch (error) {
    await casim.stop();
    throw error;
  }
  return casim;
}
