import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { AGENT_PATH } from '../shared/protocol.js';
import type { AccessKey } from './access-keys.js';
import { DEFAULT_QUOTAS, type ApiContext, type Quotas } from './api/handlers/context.js';
import { handleApiRequest } from './api/http-api.js';
import { apiRateFrom, TokenBucket } from './api/token-bucket.js';
import { createApiServer } from './api/api-server.js';
import { adminFail } from './admin/admin-reply.js';
import { answerUnservedRequest } from './api/client-error.js';
import { ADMIN_CLOCK_PATH, handleTimeControl } from './admin/time-control.js';
import { NonceCache } from './auth/nonce-cache.js';
import { PeriodScheduler } from './invocations/period-scheduler.js';
import { DockerFleet } from './fleet/docker-fleet.js';
import type { DockerFleetOptions } from './fleet/docker-fleet-options.js';
import { NoFleet, type Fleet } from './fleet/fleet.js';
import { AgentHub } from './hub/agent-hub.js';
import { AgentSessions } from './hub/agent-sessions.js';
import { StoredPresence } from './hub/stored-presence.js';
import { ScheduleTimes } from './invocations/schedule-times.js';
import { logRunEvents } from './invocations/run-log.js';
import type { PowerAction } from '../shared/power-action.js';
import { randomUUID } from 'node:crypto';
import { InstanceLifecycle } from './instances/instance-lifecycle.js';
import { InstanceRegistry } from './instances/instance-registry.js';
import { InvocationService } from './invocations/invocation-service.js';
import { SendFileService } from './files/send-file-service.js';
import type { Store } from './store/store.js';
import { InFlightRequests } from './in-flight-requests.js';
import { createDataDir, openStore } from './startup/data-dir.js';
import { checkpointOnWorker } from './store/wal-checkpointer.js';
import { DataDirLock } from './startup/data-dir-lock.js';
import { describeCause, StartupError } from './startup/startup-error.js';
import { ADMIN_FAULTS_PATH, handleFaultControl } from './admin/fault-control.js';
import { FaultInjection } from './faults/fault-injection.js';
import type { FaultRegistry } from './faults/fault-registry.js';
import { METRICS_PATH, ServerMetrics } from './metrics/server-metrics.js';
import { ConsoleHandler } from './console/console-handler.js';
import { isConsolePath } from './console/console-paths.js';
import { RealAgentGateway, type RealAgentEndpoint } from './real-agent/real-agent-gateway.js';
import { handleRealAgentInfo, REAL_AGENT_INFO_PATH } from './real-agent/real-agent-info.js';
import { retentionDaysFrom } from './store/retention-policy.js';
import { RetentionTimer } from './store/retention-timer.js';

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  accessKeys: AccessKey[];
  /** Instances' machines; 'docker' makes a DockerFleet that points containers at this server. */
  fleet?: Fleet | 'docker';
  /** Image and labels of the instance containers when `fleet` is 'docker'. */
  dockerFleet?: DockerFleetOptions;
  /** The control plane's time; an AdjustableClock also enables the time-control endpoint. */
  clock?: Clock;
  logger?: Logger;
  quotas?: Quotas;
  /** Days finished results are kept (0 = forever); default env CASIM_RETENTION_DAYS, else 28. */
  retentionDays?: number;
  /** API calls a second before Throttling (undefined = no limit); default env CASIM_API_RATE. */
  apiRate?: number;
  /** Enables fault injection and its endpoint /casim/admin/faults (`casim server --admin`). */
  admin?: boolean;
  /** Serves the real agent (`aliyun-service`) on an HTTPS port of its own (`casim server --real-agent-port`). */
  realAgent?: { port: number; certHosts?: readonly string[] };
}

export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly hub: AgentHub;
  readonly sessions: AgentSessions;
  /** Purges what is past retention on a timer; `sweep()` runs one pass now. */
  readonly retention: RetentionTimer;
  /** The faults in force (with `admin`). */
  readonly faults: FaultRegistry | undefined;
  /** Where the real agent connects (with `realAgent`). */
  readonly realAgent: RealAgentEndpoint | undefined;
  /** Calls in flight right now. */
  inFlightCalls(): number;
  /**
   * Drains, then stops (idempotent): stops accepting connections at once, lets the calls in
   * flight finish (at most DRAIN_TIMEOUT_MS, then they are cut), closes agent sockets with
   * 1001 (going away), then closes the store and releases the data dir's lock.
   */
  close(): Promise<void>;
}

export const STORE_FILE = 'casim.sqlite';
/** How long a shutdown waits for the calls in flight before it cuts them. */
export const DRAIN_TIMEOUT_MS = 10_000;

/** Starts the control plane: the API at `/` and agents at `/agent`, on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger('controlplane');
  const clock = options.clock ?? systemClock;
  createDataDir(options.dataDir);
  const lock = DataDirLock.acquire(options.dataDir);
  let store: Store;
  let presence: StoredPresence | undefined;
  try {
    store = openStore(join(options.dataDir, STORE_FILE), {
      // The event loop serves agents and the API; the WAL's copying and fsyncs go to a worker.
      checkpointer: checkpointOnWorker,
      // A group commit (agent messages) that fails, e.g. on a full disk: the same situation as one
      // message failing in the hub, so the same line.
      onGroupFailed: (error) => {
        logger.warn('store unavailable: agent message not acknowledged (the agent re-sends it)', { error: (error as Error).message });
        presence?.groupFailed(error);
      },
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  const registry = new InstanceRegistry(store, clock);
  // The instances' `connected` column follows both kinds of session (DescribeManagedInstances' Connected).
  const storedPresence = new StoredPresence(store, logger);
  presence = storedPresence;
  const sessions = new AgentSessions(storedPresence);
  storedPresence.follow(() => sessions.connectedIds());
  // The port is known once listening; containers reach the control plane on loopback.
  let port = options.port;
  const fleet: Fleet = options.fleet === 'docker' ? new DockerFleet(() => `http://127.0.0.1:${port}`, logger, options.dockerFleet) : (options.fleet ?? new NoFleet());
  const source = randomUUID();
  const stopRunLog = logRunEvents(source, logger);
  const injection = options.admin ? new FaultInjection({ source, registry, sessions, clock, logger }) : undefined;
  let realAgents: RealAgentGateway | undefined;
  try {
    realAgents = options.realAgent ? new RealAgentGateway(options.dataDir, logger, storedPresence) : undefined;
  } catch (error) {
    store.close();
    lock.release();
    throw new StartupError('DataDirUnusable', `cannot read the real agents' identities in ${options.dataDir}: ${describeCause(error)}`, { cause: error });
  }
  const gateway = realAgents;
  if (gateway) storedPresence.follow(() => gateway.outbox.connectedIds());
  // Until the column is exact again after a failed presence write, it is rewritten from the sessions.
  storedPresence.start();
  const agents = realAgents ? realAgents.route(injection?.sender ?? sessions) : (injection?.sender ?? sessions);
  const scheduleTimes = new ScheduleTimes(registry, clock);
  // A script's exit code 194 / 193 reboots / stops its instance once the report is stored; the
  // lifecycle also ends the runs on an instance, so the two are wired through this one closure.
  const powerActions = { request: (_instanceId: string, _action: PowerAction): void => undefined };
  const invocations = new InvocationService({
    store,
    registry,
    agents,
    schedule: injection?.schedule(scheduleTimes) ?? scheduleTimes,
    clock,
    logger,
    onPowerAction: (instanceId, action) => powerActions.request(instanceId, action),
    source,
  });
  const files = new SendFileService(store, agents, clock, logger);
  const lifecycle = new InstanceLifecycle(registry, invocations, agents, fleet, logger);
  const agentEvents = injection?.events(invocations, lifecycle) ?? invocations;
  const hub = new AgentHub(sessions, registry, agentEvents, files, logger);
  const periods = new PeriodScheduler(store, invocations, clock, logger);
  periods.start();
  const retention = new RetentionTimer({ purge: store.retention, clock, logger, days: options.retentionDays ?? retentionDaysFrom(process.env.CASIM_RETENTION_DAYS) });
  retention.start();
  powerActions.request = (instanceId, action) => lifecycle.powerAction(instanceId, action);
  const context: ApiContext = {
    store,
    registry,
    lifecycle,
    invocations,
    files,
    agents,
    fleet,
    clock,
    logger,
    quotas: options.quotas ?? DEFAULT_QUOTAS,
  };
  const secrets = new Map(options.accessKeys.map((k) => [k.id, k.secret]));
  const apiRate = options.apiRate ?? apiRateFrom(process.env.CASIM_API_RATE);
  const limiter = apiRate === undefined ? undefined : new TokenBucket(apiRate);
  const apiOptions = { context, lookupSecret: (id: string) => secrets.get(id), nonces: new NonceCache({ ledger: store.nonces }), logger, faults: injection?.api, source, limiter };
  const metrics = new ServerMetrics({
    source,
    store,
    connectedAgents: () => sessions.count(),
    activeFaults: () => injection?.faults.activeCount() ?? 0,
    heldTasks: () => injection?.sender.heldCount() ?? 0,
  });
  const webConsole = new ConsoleHandler({ listenHost: options.host, lookupSecret: apiOptions.lookupSecret, source, logger });

  let realAgent: RealAgentEndpoint | undefined;
  let listeningOn = `${options.host}:${options.port}`;
  // InFlightRequests sees every request before the API handler (registered right after it).
  const server: Server = createApiServer(logger);
  const requests = new InFlightRequests(server);
  // An endpoint's failure is its request's, logged and answered 500, never the process's.
  const settle = (work: Promise<void>, response: ServerResponse): void => {
    work.catch((error: unknown) => {
      logger.error('request handler failed', { error: describeCause(error) });
      if (!response.headersSent) adminFail(response, 'InternalError');
      else response.destroy();
    });
  };
  server.on('request', (request, response) => {
    const path = (request.url ?? '').split('?')[0]!;
    if ((request.url ?? '').startsWith(ADMIN_CLOCK_PATH)) handleTimeControl(request, response, clock, () => periods.tick());
    else if (isConsolePath(request.url ?? '')) webConsole.handle(request, response);
    else if (path === ADMIN_FAULTS_PATH || path.startsWith(`${ADMIN_FAULTS_PATH}/`)) settle(handleFaultControl(request, response, injection?.faults), response);
    else if (path === METRICS_PATH && request.method === 'GET') settle(metrics.handle(request, response), response);
    else if (path === REAL_AGENT_INFO_PATH && request.method === 'GET') handleRealAgentInfo(response, realAgent);
    else void handleApiRequest(request, response, apiOptions);
  });
  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path === AGENT_PATH) hub.handleUpgrade(request, socket, head);
    else answerUnservedRequest(request, socket, logger);
  });
  server.on('connect', (request, socket) => answerUnservedRequest(request, socket, logger));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    if (realAgents && options.realAgent) {
      listeningOn = `${options.host}:${options.realAgent.port} (real agent, HTTPS)`;
      try {
        realAgent = await realAgents.listen({ host: options.host, port: options.realAgent.port, certHosts: options.realAgent.certHosts, registry, runs: agentEvents, files, durable: () => store.flush() });
      } catch (error) {
        server.close();
        throw error;
      }
    }
  } catch (error) {
    periods.stop();
    retention.stop();
    storedPresence.stop();
    invocations.close();
    files.close();
    await hub.close();
    store.close();
    lock.release();
    throw new StartupError('ListenFailed', `cannot listen on ${listeningOn}: ${describeCause(error)}`, { cause: error });
  }
  port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  lock.publish(url);
  logger.info(`listening on ${url} (API at /, agents at ${AGENT_PATH}), data in ${options.dataDir}`);
  if (realAgent) logger.info(`real agent (aliyun-service) endpoint: ALIYUN_ASSIST_SERVER_HOST=${realAgent.serverHost} ALIYUN_ASSIST_CERT_PATH=${realAgent.caCertPath}`);

  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve())); // no new connections from here
    periods.stop();
    retention.stop();
    storedPresence.stop();
    webConsole.close(); // its event streams never finish on their own: end them before the drain
    if (!(await requests.drain(DRAIN_TIMEOUT_MS))) {
      logger.warn(`shutdown: cut ${requests.size} call(s) still in flight after ${DRAIN_TIMEOUT_MS / 1000} s`);
    }
    await hub.close();
    await realAgents?.close();
    stopRunLog();
    metrics.close();
    injection?.close();
    invocations.close();
    files.close();
    server.closeAllConnections();
    await stopped;
    store.close();
    lock.release();
  };

  return {
    url,
    port,
    store,
    hub,
    sessions,
    retention,
    faults: injection?.faults,
    realAgent,
    inFlightCalls: () => requests.size,
    close: () => (closing ??= shutdown()),
  };
}
