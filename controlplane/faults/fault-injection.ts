import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { AgentEventHandler } from '../hub/agent-hub.js';
import type { InstanceLifecycle } from '../instances/instance-lifecycle.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { RunSchedule } from '../invocations/schedule-times.js';
import { ApiFaults } from './api-faults.js';
import { logFaultEvents } from './fault-log.js';
import { FaultRegistry } from './fault-registry.js';
import { FaultyAgentEvents, type InstancePowerFault } from './faulty-agent-events.js';
import { FaultyAgentSender, type AgentLink } from './faulty-agent-sender.js';
import { FaultyRunSchedule } from './faulty-run-schedule.js';
import { registryFacts, type InstanceFactsLookup } from './instance-facts.js';

export interface FaultInjectionDeps {
  source: string;
  registry: InstanceRegistry;
  /** The real agent sessions. */
  sessions: AgentLink;
  clock: Clock;
  logger: Logger;
}

/**
 * Fault injection for one server (`casim server --admin`): the registry of faults and the
 * decorators that apply them, built in the order the server builds its components:
 * `sender` (before the invocation service), `schedule(inner)`, then `events(service, lifecycle)`
 * (before the hub), and `api` for the HTTP API. Without --admin none of this exists and nothing
 * is decorated.
 */
export class FaultInjection {
  readonly faults: FaultRegistry;
  readonly sender: FaultyAgentSender;
  readonly api: ApiFaults;
  private readonly facts: InstanceFactsLookup;
  private service: AgentEventHandler | undefined;
  private decorated: FaultyAgentEvents | undefined;
  private readonly stopLog: () => void;

  constructor(private readonly deps: FaultInjectionDeps) {
    this.faults = new FaultRegistry({ source: deps.source });
    this.facts = registryFacts(deps.registry);
    // slow-start marks a task delivered as the agent's ack would; the service exists only later.
    this.sender = new FaultyAgentSender(deps.sessions, this.faults, this.facts, (instanceId, taskId, run) => this.service?.onTaskAcked(instanceId, taskId, run));
    this.api = new ApiFaults(this.faults);
    this.stopLog = logFaultEvents(deps.source, deps.logger);
  }

  schedule(inner: RunSchedule): RunSchedule {
    return new FaultyRunSchedule(inner, this.faults, this.facts, this.deps.clock);
  }

  /** The handler the hub reports agent messages to: the service, behind the agent faults. */
  events(service: AgentEventHandler, lifecycle: InstanceLifecycle): AgentEventHandler {
    this.service = service;
    const { registry, logger } = this.deps;
    const power = (instanceId: string, action: InstancePowerFault): void => {
      const instance = registry.get(instanceId);
      if (!instance) return;
      const work = action === 'stop' ? lifecycle.stop(instance) : lifecycle.reboot(instance);
      work.catch((error: unknown) => logger.error(`fault: instance ${action} failed`, { instanceId, error: (error as Error).message }));
    };
    const isManaged = (instanceId: string): boolean => !registry.get(instanceId)?.containerId;
    this.decorated = new FaultyAgentEvents(service, this.faults, this.facts, this.deps.sessions, power, isManaged, logger);
    return this.decorated;
  }

  close(): void {
    this.stopLog();
    this.sender.close();
    this.decorated?.close();
    this.faults.clear();
  }
}
