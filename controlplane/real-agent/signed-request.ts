import type { IncomingHttpHeaders } from 'node:http';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { AgentIdentities } from './agent-identities.js';
import { checkSignature, SIGNATURE_SKEW_MS } from './agent-signature.js';
import { ReplayWindow } from './replay-window.js';
import { SignedHeadersSchema } from './wire-schemas.js';

export type Caller =
  | { ok: true; instanceId: string }
  | { ok: false; reason: 'unsigned' | 'unknown-instance' | 'bad-timestamp' | 'clock-skew' | 'bad-signature' | 'replayed' };

/**
 * Who sent a request (or a WebSocket upgrade): the `x-acs-*` headers must name an instance the
 * real agent registered (and that is still registered), carry a valid signature of its key
 * within the skew window, and a request id not seen before (spec/real-agent-protocol.md §2.3).
 */
export class SignedRequests {
  private readonly replays = new ReplayWindow(SIGNATURE_SKEW_MS);

  constructor(
    private readonly identities: AgentIdentities,
    private readonly registry: InstanceRegistry,
    private readonly nowMs: () => number = Date.now,
  ) {}

  identify(headers: IncomingHttpHeaders): Caller {
    const parsed = SignedHeadersSchema.safeParse(headers);
    if (!parsed.success) return { ok: false, reason: 'unsigned' };
    const instanceId = parsed.data['x-acs-instance-id'];
    const known = this.identities.get(instanceId);
    if (!known || !this.registry.get(instanceId)) return { ok: false, reason: 'unknown-instance' };
    const now = this.nowMs();
    const check = checkSignature(
      { instanceId, timestamp: parsed.data['x-acs-timestamp'], requestId: parsed.data['x-acs-request-id'], signature: parsed.data['x-acs-signature'] },
      known.identity.machineId,
      known.key,
      now,
    );
    if (!check.ok) return { ok: false, reason: check.reason };
    if (!this.replays.admit(`${instanceId} ${parsed.data['x-acs-request-id']}`, now)) return { ok: false, reason: 'replayed' };
    return { ok: true, instanceId };
  }
}
