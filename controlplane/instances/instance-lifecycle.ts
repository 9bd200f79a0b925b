import type { Logger } from '../../shared/logger.js';
import type { Fleet } from '../fleet/fleet.js';
import type { AgentSender } from '../hub/agent-hub.js';
import type { InvocationService } from '../invocations/invocation-service.js';
import type { PowerAction } from '../../shared/power-action.js';
import type { InstanceLifecycleStatus, InstanceRecord } from '../store/records.js';
import type { InstanceRegistry } from './instance-registry.js';

export function lifecycleStatus(instance: InstanceRecord): InstanceLifecycleStatus {
  return instance.status ?? 'Running';
}

/**
 * Start, stop, reboot and delete ECS instances (Docker containers), keeping the registry's
 * Status and ending the runs on the instance as the real service does (spec §20).
 */
export class InstanceLifecycle {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly invocations: InvocationService,
    private readonly agents: AgentSender & { disconnect(instanceId: string): void },
    private readonly fleet: Fleet,
    private readonly logger: Logger,
  ) {}

  private setStatus(instanceId: string, status: InstanceLifecycleStatus): void {
    const instance = this.registry.get(instanceId);
    if (instance) this.registry.update({ ...instance, status });
  }

  async stop(instance: InstanceRecord): Promise<void> {
    this.setStatus(instance.instanceId, 'Stopping');
    this.invocations.interruptRuns(instance.instanceId, 'interrupted');
    this.agents.disconnect(instance.instanceId);
    if (instance.containerId) await this.fleet.stop(instance.containerId);
    this.setStatus(instance.instanceId, 'Stopped');
  }

  async start(instance: InstanceRecord): Promise<void> {
    this.setStatus(instance.instanceId, 'Starting');
    if (instance.containerId) await this.fleet.resume(instance.containerId);
    this.setStatus(instance.instanceId, 'Running');
  }

  async reboot(instance: InstanceRecord): Promise<void> {
    this.setStatus(instance.instanceId, 'Stopping');
    this.invocations.interruptRuns(instance.instanceId, 'interrupted');
    this.agents.disconnect(instance.instanceId);
    if (instance.containerId) await this.fleet.restart(instance.containerId);
    this.setStatus(instance.instanceId, 'Running');
  }

  async delete(instance: InstanceRecord): Promise<void> {
    this.invocations.interruptRuns(instance.instanceId, 'released');
    this.registry.remove(instance.instanceId);
    this.agents.send(instance.instanceId, { type: 'rejected', reason: 'instance deleted' });
    if (instance.containerId) await this.fleet.remove(instance.containerId);
  }

  /** Exit code 194 / 193 from a script: reboot or power off a Docker instance after its report. */
  powerAction(instanceId: string, action: PowerAction): void {
    const instance = this.registry.get(instanceId);
    if (!instance || instance.kind !== 'ecs' || !instance.containerId) {
      // A managed instance's own agent does it when started with --allow-power-actions.
      this.logger.info(`script asked for ${action}; left to the instance's agent`, { instanceId });
      return;
    }
    // After the final report has been stored and acknowledged.
    setImmediate(() => {
      const work = action === 'reboot' ? this.reboot(instance) : this.stop(instance);
      work.catch((error: unknown) => this.logger.error(`${action} failed`, { instanceId, error: (error as Error).message }));
    });
  }
}
