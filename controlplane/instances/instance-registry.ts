import type { MachineFacts } from '../../shared/protocol.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { formatApiTime, type Clock } from '../../shared/clock.js';
import type { Tag } from '../domain/tag.js';
import { newActivationCode, newActivationId, newInstanceId, newManagedInstanceId, newSecret } from '../ids.js';
import type { ActivationRecord, InstanceRecord } from '../store/records.js';
import type { ControlPlaneStore } from '../store/control-plane-store.js';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface AgentFacts {
  hostname: string;
  agentVersion: string;
  osType: 'Linux';
  timeZone?: string;
  /** OS version, IP addresses, CPU and memory as the agent read them. */
  machine?: MachineFacts;
}

export type RegistrationResult =
  | { ok: true; instanceId: string; secret: string }
  | { ok: false; reason: string };

export interface NewActivation {
  regionId: string;
  description: string;
  instanceName: string;
  instanceCount: number;
  ipAddressRange: string;
  timeToLiveInHours: number;
  resourceGroupId: string;
  tags: Tag[];
}

/**
 * The one registry of instances behind every API: ECS instances made by the fleet (`i-…`)
 * and managed instances registered through an activation (`mi-…`). Each has a secret,
 * stored only as a hash, that its agent must present. Records live in the store (read by id
 * here; listed by the store's InstanceQueries), nothing in memory.
 */
export class InstanceRegistry {
  constructor(
    private readonly store: ControlPlaneStore,
    private readonly clock: Clock,
  ) {}

  get(instanceId: string): InstanceRecord | undefined {
    const record = this.store.instances.get(instanceId);
    return record && !record.deregistered ? record : undefined;
  }

  createActivation(input: NewActivation): { activation: ActivationRecord; code: string } {
    const code = newActivationCode();
    const activation: ActivationRecord = {
      activationId: newActivationId(),
      codeHash: sha256Hex(code),
      registeredCount: 0,
      deregisteredCount: 0,
      disabled: false,
      creationTime: formatApiTime(this.clock.now()),
      ...input,
    };
    this.store.activations.add(activation);
    return { activation, code };
  }

  /** An agent registers with an activation and becomes a managed instance `mi-…`. */
  registerWithActivation(activationId: string, code: string, facts: AgentFacts, name?: string): RegistrationResult {
    return this.store.transaction(() => {
      const activation = this.store.activations.get(activationId);
      if (!activation || !sameHash(activation.codeHash, sha256Hex(code))) return { ok: false, reason: 'invalid activation id or code' };
      if (activation.disabled) return { ok: false, reason: 'activation is disabled' };
      const expires = Date.parse(activation.creationTime) + activation.timeToLiveInHours * 3_600_000;
      if (this.clock.now().getTime() > expires) return { ok: false, reason: 'activation has expired' };
      if (activation.registeredCount >= activation.instanceCount) return { ok: false, reason: 'activation instance count reached' };
      const ordinal = activation.registeredCount + 1;
      const digits = String(activation.instanceCount).length;
      const instanceName =
        name ?? (activation.instanceName ? `${activation.instanceName}-${String(ordinal).padStart(digits, '0')}` : facts.hostname);
      const secret = newSecret();
      const now = formatApiTime(this.clock.now());
      const record: InstanceRecord = {
        instanceId: newManagedInstanceId(),
        kind: 'managed',
        regionId: activation.regionId,
        name: instanceName,
        hostname: facts.hostname,
        secretHash: sha256Hex(secret),
        osType: facts.osType,
        agentVersion: facts.agentVersion,
        activationId,
        registrationTime: now,
          purgedInvocationCount: 0,
        purgedLastInvokedTime: '',
        containerId: '',
        imageId: '',
        tags: [],
        deregistered: false,
        ...(facts.machine ? { machine: facts.machine } : {}),
        // An activation's ResourceGroupId is the group of the instances registered with it.
        resourceGroupId: activation.resourceGroupId,
      };
      this.store.instances.add(record);
      this.store.activations.put({ ...activation, registeredCount: ordinal });
      return { ok: true, instanceId: record.instanceId, secret };
    });
  }

  /** A new ECS-style instance `i-…` (the fleet gives its container the returned secret). */
  createEcsInstance(input: { regionId: string; name: string; imageId: string; tags: Tag[]; resourceGroupId?: string }): { record: InstanceRecord; secret: string } {
    const secret = newSecret();
    const instanceId = newInstanceId();
    const record: InstanceRecord = {
      instanceId,
      kind: 'ecs',
      regionId: input.regionId,
      name: input.name || instanceId,
      hostname: instanceId,
      secretHash: sha256Hex(secret),
      osType: 'Linux',
      agentVersion: '',
      activationId: '',
      registrationTime: formatApiTime(this.clock.now()),
      purgedInvocationCount: 0,
      purgedLastInvokedTime: '',
      containerId: '',
      imageId: input.imageId,
      tags: input.tags,
      deregistered: false,
      resourceGroupId: input.resourceGroupId ?? '',
    };
    this.store.instances.add(record);
    return { record, secret };
  }

  update(record: InstanceRecord): void {
    this.store.instances.put(record);
  }

  /** The instance when `secret` is its secret; an agent cannot claim another instance's ID. */
  authenticate(instanceId: string, secret: string): InstanceRecord | undefined {
    const record = this.get(instanceId);
    return record && sameHash(record.secretHash, sha256Hex(secret)) ? record : undefined;
  }

  recordHeartbeat(instanceId: string, facts?: AgentFacts): void {
    const record = this.get(instanceId);
    if (!record) return;
    // Through the group commit: a fleet's heartbeats share the turn's commit.
    this.store.group(() => {
      if (facts) {
        this.store.instances.put({
          ...record,
          hostname: facts.hostname,
          agentVersion: facts.agentVersion,
          osType: facts.osType,
          ...(facts.timeZone ? { timeZone: facts.timeZone } : {}),
          ...(facts.machine ? { machine: facts.machine } : {}),
        });
      }
      this.store.presence.heartbeat(instanceId, formatApiTime(this.clock.now()));
    });
  }

  remove(instanceId: string): void {
    const record = this.store.instances.get(instanceId);
    if (record) this.store.instances.put({ ...record, deregistered: true });
  }
}
