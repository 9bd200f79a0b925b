import { formatApiTime, type Clock } from '../../shared/clock.js';
import type { InvocationRecord } from '../store/records.js';
import type { RunSchedule } from '../invocations/schedule-times.js';
import type { FaultRegistry } from './fault-registry.js';
import type { FaultOf } from './fault-spec.js';
import type { InstanceFactsLookup } from './instance-facts.js';

/**
 * `clock-skew`, as a decorator of the schedule: an instance whose clock runs `seconds` ahead
 * sees each moment `seconds` later, so a schedule in its time fires `seconds` earlier on the
 * control plane's clock (behind: later). Next run = inner(after + skew) − skew.
 */
export class FaultyRunSchedule implements RunSchedule {
  constructor(
    private readonly inner: RunSchedule,
    private readonly faults: FaultRegistry,
    private readonly facts: InstanceFactsLookup,
    private readonly clock: Clock,
  ) {}

  firstRunTime(invocation: InvocationRecord, instanceId: string): string {
    return this.skewOf(instanceId) ? this.nextRunTime(invocation, instanceId, this.clock.now()) : this.inner.firstRunTime(invocation, instanceId);
  }

  nextRunTime(invocation: InvocationRecord, instanceId: string, after: Date): string {
    const skew = this.skewOf(instanceId);
    if (!skew) return this.inner.nextRunTime(invocation, instanceId, after);
    const skewMs = skew.spec.seconds * 1000;
    const local = this.inner.nextRunTime(invocation, instanceId, new Date(after.getTime() + skewMs));
    if (local === '') return '';
    const next = formatApiTime(new Date(Date.parse(local) - skewMs));
    this.faults.report(skew, { instanceId, detail: `${invocation.invokeId} next run ${next} on a clock ${skew.spec.seconds} s off (instance time ${local})` });
    return next;
  }

  private skewOf(instanceId: string): FaultOf<'clock-skew'> | undefined {
    if (this.faults.isEmpty()) return undefined;
    const fault = this.faults.holding('clock-skew', { kind: 'instance', instance: this.facts(instanceId) });
    return fault && fault.spec.seconds !== 0 ? fault : undefined;
  }
}
