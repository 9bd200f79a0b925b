import { randomBytes } from 'node:crypto';
import { formatApiTime } from '../../shared/clock.js';
import { publishFaultInjected, type FaultInjectedEvent } from './fault-events.js';
import { afterFiring, choose, isLive, type Occasion } from './fault-rules.js';
import type { Fault, FaultInput, FaultKind, FaultOf } from './fault-spec.js';

export interface FaultRegistryOptions {
  /** Tells this server's fault events apart (the server's run-event source). */
  source: string;
  /** Real time in ms: expiries are real time, also while the simulated clock runs ahead. */
  nowMs?: () => number;
  /** In [0, 1): the probability rolls. */
  random?: () => number;
}

/** What a fired fault tells the event stream, besides its id and kind. */
export type FaultContext = Omit<FaultInjectedEvent, 'source' | 'faultId' | 'kind'>;

export const newFaultId = (): string => `flt-${randomBytes(6).toString('hex')}`;

/**
 * The faults of one server, in memory (they are test tooling: a restart clears them). Adding,
 * listing and removing are the admin endpoint's; `fire` is called by the fault hooks at each
 * occasion (an API call, a task push, a run start …): it picks the fault by the pure rules
 * (fault-rules.ts), counts it down, and publishes `casim:fault:injected`.
 */
export class FaultRegistry {
  private faults: Fault[] = [];
  private readonly nowMs: () => number;
  private readonly random: () => number;

  constructor(private readonly options: FaultRegistryOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  add(spec: FaultInput): Fault {
    const now = this.nowMs();
    const fault: Fault = {
      id: newFaultId(),
      spec,
      createdTime: formatApiTime(new Date(now)),
      expiresAtMs: spec.ttlSeconds === undefined ? null : now + spec.ttlSeconds * 1000,
      remaining: 'count' in spec && spec.count !== undefined ? spec.count : null,
      fired: 0,
    };
    this.faults.push(fault);
    return fault;
  }

  /** The faults in force, oldest first (expired and used-up ones are dropped). */
  list(): readonly Fault[] {
    this.prune();
    return this.faults;
  }

  get(id: string): Fault | undefined {
    this.prune();
    return this.faults.find((f) => f.id === id);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  /** Removes every fault; returns how many there were. */
  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }

  /** No fault at all: the decorators skip their work (and the instance lookup) at once. */
  isEmpty(): boolean {
    return this.faults.length === 0;
  }

  /** The faults of `kind` in force now, oldest first (whatever they match). */
  inForce<K extends FaultKind>(kind: K): Array<FaultOf<K>> {
    return this.list().filter((f): f is FaultOf<K> => f.spec.kind === kind);
  }

  /** Faults in force (the metrics' gauge). */
  activeCount(): number {
    return this.list().length;
  }

  /** An event fault of `kind` firing on this occasion, counted down and published; undefined when none. */
  fire<K extends FaultKind>(kind: K, occasion: Occasion, context: (spec: FaultOf<K>['spec']) => FaultContext): FaultOf<K> | undefined {
    if (this.faults.length === 0) return undefined;
    const fault = choose(this.faults, kind, occasion, this.nowMs(), this.random) as FaultOf<K> | undefined;
    if (!fault) return undefined;
    Object.assign(fault, afterFiring(fault));
    publishFaultInjected({ source: this.options.source, faultId: fault.id, kind, ...context(fault.spec) });
    return fault;
  }

  /** A state fault of `kind` in force for this occasion (nothing counted, nothing published). */
  holding<K extends FaultKind>(kind: K, occasion: Occasion): FaultOf<K> | undefined {
    if (this.faults.length === 0) return undefined;
    return choose(this.faults, kind, occasion, this.nowMs(), () => 0) as FaultOf<K> | undefined;
  }

  /** Publishes an effect of a state fault (e.g. a task an offline agent did not get). */
  report(fault: Fault, context: FaultContext): void {
    publishFaultInjected({ source: this.options.source, faultId: fault.id, kind: fault.spec.kind, ...context });
  }

  private prune(): void {
    const now = this.nowMs();
    this.faults = this.faults.filter((f) => isLive(f, now));
  }
}
