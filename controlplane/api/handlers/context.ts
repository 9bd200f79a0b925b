import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { SendFileService } from '../../files/send-file-service.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { AgentSender } from '../../hub/agent-hub.js';
import type { InstanceLifecycle } from '../../instances/instance-lifecycle.js';
import type { InstanceRegistry } from '../../instances/instance-registry.js';
import type { InvocationService } from '../../invocations/invocation-service.js';
import type { ControlPlaneStore } from '../../store/control-plane-store.js';
import type { ValidArgs } from '../validate-params.js';
import type { Body } from '../views.js';

export interface Quotas {
  /** Commands kept per region (CmdCount.ExceedQuota). */
  commandsPerRegion: number;
  /** Invocations created per region per UTC day (Invocation.ExceedQuota). */
  invocationsPerDay: number;
  /** Unexpired activations per region (ActivationCount.ExceedLimit). */
  activationsPerRegion: number;
  /** Instances one InvokeCommand / RunCommand may target (InstanceIds.ExceedLimit). */
  instancesPerCall: number;
}

/** The real service's defaults (spec §1.9, §15.1). */
export const DEFAULT_QUOTAS: Quotas = { commandsPerRegion: 500, invocationsPerDay: 5000, activationsPerRegion: 10, instancesPerCall: 100 };

/**
 * Defaults overridden by CASIM_QUOTA_COMMANDS, CASIM_QUOTA_INVOCATIONS_PER_DAY,
 * CASIM_QUOTA_ACTIVATIONS and CASIM_QUOTA_INSTANCES_PER_CALL.
 */
export function quotasFromEnv(env: NodeJS.ProcessEnv): Quotas {
  const read = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    commandsPerRegion: read('CASIM_QUOTA_COMMANDS', DEFAULT_QUOTAS.commandsPerRegion),
    invocationsPerDay: read('CASIM_QUOTA_INVOCATIONS_PER_DAY', DEFAULT_QUOTAS.invocationsPerDay),
    activationsPerRegion: read('CASIM_QUOTA_ACTIVATIONS', DEFAULT_QUOTAS.activationsPerRegion),
    instancesPerCall: read('CASIM_QUOTA_INSTANCES_PER_CALL', DEFAULT_QUOTAS.instancesPerCall),
  };
}

/** Everything a handler may use. Handlers are the only place API semantics live. */
export interface ApiContext {
  store: ControlPlaneStore;
  registry: InstanceRegistry;
  lifecycle: InstanceLifecycle;
  invocations: InvocationService;
  files: SendFileService;
  agents: AgentSender;
  fleet: Fleet;
  clock: Clock;
  logger: Logger;
  quotas: Quotas;
}

export type Handler = (args: ValidArgs, ctx: ApiContext) => Body | Promise<Body>;
