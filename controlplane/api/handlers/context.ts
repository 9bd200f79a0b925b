import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { AgentSender } from '../../hub/agent-hub.js';
import type { InstanceRegistry } from '../../instances/instance-registry.js';
import type { InvocationService } from '../../invocations/invocation-service.js';
import type { Store } from '../../store/store.js';
import type { ValidArgs } from '../validate-params.js';
import type { Body } from '../views.js';

export interface Quotas {
  /** Commands kept per region (CmdCount.ExceedQuota). */
  commandsPerRegion: number;
}

export const DEFAULT_QUOTAS: Quotas = { commandsPerRegion: 500 };

/** Everything a handler may use. Handlers are the only place API semantics live. */
export interface ApiContext {
  store: Store;
  registry: InstanceRegistry;
  invocations: InvocationService;
  agents: AgentSender;
  fleet: Fleet;
  clock: Clock;
  logger: Logger;
  quotas: Quotas;
}

export type Handler = (args: ValidArgs, ctx: ApiContext) => Body | Promise<Body>;
