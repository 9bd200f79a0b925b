import { setTimeout as sleep } from 'node:timers/promises';
import { apiError } from '../api/errors.js';
import type { ApiFaultHook } from '../api/http-api.js';
import type { FaultRegistry } from './fault-registry.js';
import type { ApiCallFacts } from './fault-rules.js';

/**
 * API faults, checked once per authenticated call of a known Action (before its parameters are
 * validated, as a gateway's flow control would): `api-latency` holds the call, then `api-error`
 * answers it with the catalogued error, in the same envelope as every other error
 * (status, Code, Message, RequestId, HostId, Recommend). The ids of the faults applied go to the
 * request's log line.
 */
export class ApiFaults implements ApiFaultHook {
  constructor(
    private readonly registry: FaultRegistry,
    private readonly wait: (ms: number) => Promise<unknown> = sleep,
  ) {}

  async beforeCall(call: ApiCallFacts, requestId: string, applied: string[]): Promise<void> {
    const occasion = { kind: 'api', call } as const;
    const slow = this.registry.fire('api-latency', occasion, (spec) => ({ action: call.action, requestId, detail: `held ${call.action} for ${spec.latencyMs} ms` }));
    if (slow) {
      applied.push(slow.id);
      await this.wait(slow.spec.latencyMs);
    }
    const failed = this.registry.fire('api-error', occasion, (spec) => ({ action: call.action, requestId, detail: `answered ${call.action} with ${spec.code}` }));
    if (failed) {
      applied.push(failed.id);
      throw apiError(failed.spec.code, '', call.action);
    }
  }
}
