import { channel } from 'node:diagnostics_channel';
import type { InstanceInvocationStatus } from '../store/records.js';

/**
 * The run lifecycle on `node:diagnostics_channel` (the undici pattern): the service publishes
 * each step once, and logs, metrics, the console and fault injection subscribe to the same
 * stream instead of being called from everywhere. Channels are process-wide; `source` tells
 * the servers of one process apart.
 */
export const RUN_EVENT_NAMES = ['created', 'dispatched', 'started', 'output', 'finished', 'swept'] as const;
export type RunEventName = (typeof RUN_EVENT_NAMES)[number];

export interface RunLifecycleEvent {
  /** The publishing control plane (one per server in a process). */
  source: string;
  invokeId: string;
  instanceId: string;
  run: number;
  status: InstanceInvocationStatus;
  errorCode?: string;
  exitCode?: number | null;
  /** `output`: the raw bytes of a live chunk. */
  bytes?: number;
}

/** The channels, looked up once (`channel(name)` finds a channel by its name on every call). */
const CHANNELS = new Map(RUN_EVENT_NAMES.map((name) => [name, channel(`casim:run:${name}`)]));

export const runChannel = (name: RunEventName) => CHANNELS.get(name)!;

/** Publishes a lifecycle step; costs nothing when nobody listens. */
export function publishRunEvent(name: RunEventName, event: RunLifecycleEvent): void {
  const target = runChannel(name);
  if (target.hasSubscribers) target.publish(event);
}

/** Calls `listener` for every step published by `source`; returns the unsubscribe function. */
export function subscribeRunEvents(source: string, listener: (name: RunEventName, event: RunLifecycleEvent) => void): () => void {
  const handlers = RUN_EVENT_NAMES.map((name) => {
    const handler = (message: unknown): void => {
      const event = message as RunLifecycleEvent;
      if (event.source === source) listener(name, event);
    };
    runChannel(name).subscribe(handler);
    return () => runChannel(name).unsubscribe(handler);
  });
  return () => handlers.forEach((unsubscribe) => unsubscribe());
}
