import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { systemClock, type Clock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { AGENT_PATH } from '../shared/protocol.js';
import type { AccessKey } from './access-keys.js';
import { DEFAULT_QUOTAS, type ApiContext, type Quotas } from './api/handlers/context.js';
import { handleApiRequest } from './api/http-api.js';
import { ADMIN_CLOCK_PATH, handleTimeControl } from './admin/time-control.js';
import { NonceCache } from './auth/nonce-cache.js';
import { PeriodScheduler } from './invocations/period-scheduler.js';
import { DockerFleet } from './fleet/docker-fleet.js';
import { NoFleet, type Fleet } from './fleet/fleet.js';
import { AgentHub } from './hub/agent-hub.js';
import { InstanceLifecycle } from './instances/instance-lifecycle.js';
import { InstanceRegistry } from './instances/instance-registry.js';
import { InvocationService } from './invocations/invocation-service.js';
import { SendFileService } from './files/send-file-service.js';
import { Store } from './store/store.js';

export interface ServerOptions {
  host: string;
  port: number;
  dataDir: string;
  accessKeys: AccessKey[];
  /** Instances' machines; 'docker' makes a DockerFleet that points containers at this server. */
  fleet?: Fleet | 'docker';
  /** The control plane's time; an AdjustableClock also enables the time-control endpoint. */
  clock?: Clock;
  logger?: Logger;
  quotas?: Quotas;
}

export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly hub: AgentHub;
  close(): Promise<void>;
}

export const STORE_FILE = 'casim.sqlite';

/** Starts the control plane: the API at `/` and agents at `/agent`, on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger('controlplane');
  const clock = options.clock ?? systemClock;
  const store = new Store(join(options.dataDir, STORE_FILE));
  const registry = new InstanceRegistry(store, clock);
  const hub = new AgentHub(registry, logger);
  const invocations = new InvocationService(store, registry, hub, clock, logger);
  hub.setHandler(invocations);
  const files = new SendFileService(store, hub, clock, logger);
  hub.setFileHandler(files);
  const periods = new PeriodScheduler(store, registry, invocations, clock, logger);
  periods.start();
  const lifecycle = new InstanceLifecycle(registry, invocations, hub, () => context.fleet, logger);
  invocations.onPowerAction = (instanceId, action) => lifecycle.powerAction(instanceId, action);
  const context: ApiContext = {
    store,
    registry,
    lifecycle,
    invocations,
    files,
    agents: hub,
    fleet: options.fleet instanceof Object ? options.fleet : new NoFleet(),
    clock,
    logger,
    quotas: options.quotas ?? DEFAULT_QUOTAS,
  };
  const secrets = new Map(options.accessKeys.map((k) => [k.id, k.secret]));
  const apiOptions = { context, lookupSecret: (id: string) => secrets.get(id), nonces: new NonceCache({ ledger: store.nonces }), logger };

  const server: Server = createServer((request, response) => {
    if ((request.url ?? '').startsWith(ADMIN_CLOCK_PATH)) handleTimeControl(request, response, clock, () => periods.tick());
    else void handleApiRequest(request, response, apiOptions);
  });
  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path === AGENT_PATH) hub.handleUpgrade(request, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  if (options.fleet === 'docker') context.fleet = new DockerFleet(() => `http://127.0.0.1:${port}`, logger);
  logger.info(`listening on ${url} (API at /, agents at ${AGENT_PATH}), data in ${options.dataDir}`);

  return {
    url,
    port,
    store,
    hub,
    close: async () => {
      periods.stop();
      invocations.close();
      files.close();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
}
