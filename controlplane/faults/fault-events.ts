import { channel } from 'node:diagnostics_channel';
import type { FaultKind } from './fault-spec.js';

/**
 * Every injected fault on `node:diagnostics_channel` as `casim:fault:injected` (the pattern of
 * run-events.ts): the log and the metrics subscribe. `source` tells the servers of one process apart.
 */
export const FAULT_INJECTED_CHANNEL = 'casim:fault:injected';

export interface FaultInjectedEvent {
  source: string;
  faultId: string;
  kind: FaultKind;
  /** The API call it hit (API faults). */
  action?: string;
  requestId?: string;
  /** The instance it hit (instance faults), and the run when there is one. */
  instanceId?: string;
  taskId?: string;
  run?: number;
  /** What it did, for people: `answered Throttling`, `delayed 10 s`. */
  detail: string;
}

const injected = channel(FAULT_INJECTED_CHANNEL);

export function publishFaultInjected(event: FaultInjectedEvent): void {
  if (injected.hasSubscribers) injected.publish(event);
}

/** Calls `listener` for every fault injected by `source`; returns the unsubscribe function. */
export function subscribeFaultInjected(source: string, listener: (event: FaultInjectedEvent) => void): () => void {
  const handler = (message: unknown): void => {
    const event = message as FaultInjectedEvent;
    if (event.source === source) listener(event);
  };
  injected.subscribe(handler);
  return () => injected.unsubscribe(handler);
}
