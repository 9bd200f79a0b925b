import { channel } from 'node:diagnostics_channel';

/**
 * One event per API call on `node:diagnostics_channel` (`casim:api:call`), published once the
 * answer is sent: the metrics subscribe (controlplane/metrics/). `source` tells servers apart.
 */
export const API_CALL_CHANNEL = 'casim:api:call';

export interface ApiCallEvent {
  source: string;
  action: string;
  status: number;
  /** The error Code; "" on success. */
  code: string;
  durationMs: number;
  requestId: string;
  /** Faults applied to the call (controlplane/faults/api-faults.ts). */
  faultIds: readonly string[];
}

const calls = channel(API_CALL_CHANNEL);

export function publishApiCall(event: ApiCallEvent): void {
  if (calls.hasSubscribers) calls.publish(event);
}

export function subscribeApiCalls(source: string, listener: (event: ApiCallEvent) => void): () => void {
  const handler = (message: unknown): void => {
    const event = message as ApiCallEvent;
    if (event.source === source) listener(event);
  };
  calls.subscribe(handler);
  return () => calls.unsubscribe(handler);
}
