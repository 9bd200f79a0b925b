import type { ServerResponse } from 'node:http';
import { subscribeRunEvents, type RunEventName, type RunLifecycleEvent } from '../invocations/run-events.js';
import { CONSOLE_SECURITY_HEADERS } from './security-headers.js';
import type { EventStreamFilter } from './event-stream-request.js';

/** A comment line this often keeps idle connections (and proxies) from timing out. */
export const KEEPALIVE_MS = 15_000;
/** Open streams per server, at most: each holds a socket and a subscription. */
export const MAX_EVENT_STREAMS = 64;

/** What the page receives for one lifecycle step: the event's own fields, nothing else. */
export interface ConsoleRunEvent {
  readonly name: RunEventName;
  readonly invokeId: string;
  readonly instanceId: string;
  readonly run: number;
  readonly status: string;
  readonly errorCode?: string;
  readonly exitCode?: number | null;
  readonly bytes?: number;
}

function toConsoleEvent(name: RunEventName, event: RunLifecycleEvent): ConsoleRunEvent {
  return {
    name,
    invokeId: event.invokeId,
    instanceId: event.instanceId,
    run: event.run,
    status: event.status,
    ...(event.errorCode === undefined ? {} : { errorCode: event.errorCode }),
    ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
    ...(event.bytes === undefined ? {} : { bytes: event.bytes }),
  };
}

/**
 * The run lifecycle as Server-Sent Events: each `casim:run:*` step of this server (its `source`)
 * becomes an `event: run` whose data is one JSON line (JSON escapes newlines, so a field can never
 * start a new SSE line). Output bytes are not sent: the page reads them through the API.
 */
export class EventStreams {
  readonly #open = new Set<() => void>();

  constructor(private readonly source: string) {}

  get size(): number {
    return this.#open.size;
  }

  /** Answers 503 when MAX_EVENT_STREAMS are open; else streams until the client goes away. */
  open(response: ServerResponse, filter: EventStreamFilter): void {
    if (this.#open.size >= MAX_EVENT_STREAMS) {
      response.writeHead(503, { ...CONSOLE_SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
      response.end('too many event streams\n');
      return;
    }
    response.writeHead(200, { ...CONSOLE_SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write(': casim run events\nretry: 2000\n\n');
    const unsubscribe = subscribeRunEvents(this.source, (name, event) => {
      if (filter.invokeId !== undefined && event.invokeId !== filter.invokeId) return;
      response.write(`event: run\ndata: ${JSON.stringify(toConsoleEvent(name, event))}\n\n`);
    });
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const close = (): void => {
      if (!this.#open.delete(close)) return;
      clearInterval(keepalive);
      unsubscribe();
      response.end();
    };
    this.#open.add(close);
    response.on('close', close);
    response.on('error', close);
  }

  /** Ends every open stream (server shutdown). */
  closeAll(): void {
    for (const close of [...this.#open]) close();
  }
}
