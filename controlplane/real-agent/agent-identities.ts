import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** What a real agent proved at registration: its public key and the machine id it signs with. */
export interface AgentIdentity {
  instanceId: string;
  /** PEM (SPKI) of the agent's RSA key. */
  publicKeyPem: string;
  machineId: string;
  registeredAt: string;
}

const FileSchema = z.object({
  version: z.literal(1),
  identities: z.array(z.object({ instanceId: z.string(), publicKeyPem: z.string(), machineId: z.string(), registeredAt: z.string() })),
});

/**
 * The identities of instances registered by the real agent (`aliyun-service --register`), kept
 * in `<data dir>/real-agent/identities.json` next to the store (not in it: the instance record
 * itself is in the registry like every other managed instance). Written atomically (rename).
 */
export class AgentIdentities {
  private readonly byId = new Map<string, { identity: AgentIdentity; key: KeyObject }>();
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'real-agent', 'identities.json');
    if (!existsSync(this.file)) return;
    const parsed = FileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    for (const identity of parsed.identities) this.byId.set(identity.instanceId, { identity, key: createPublicKey(identity.publicKeyPem) });
  }

  has(instanceId: string): boolean {
    return this.byId.has(instanceId);
  }

  /** Every instance the real agent registered. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  get(instanceId: string): { identity: AgentIdentity; key: KeyObject } | undefined {
    return this.byId.get(instanceId);
  }

  add(identity: AgentIdentity): void {
    this.byId.set(identity.instanceId, { identity, key: createPublicKey(identity.publicKeyPem) });
    this.save();
  }

  remove(instanceId: string): void {
    if (this.byId.delete(instanceId)) this.save();
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const body = JSON.stringify({ version: 1, identities: [...this.byId.values()].map((entry) => entry.identity) }, null, 2);
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, body, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
