import type { ConsoleApi } from './api-client.js';
import { asObject, isObject, num, str } from './json-read.js';

export const RUN_EVENT_NAMES = ['created', 'dispatched', 'started', 'output', 'finished', 'swept'] as const;
export type RunEventName = (typeof RUN_EVENT_NAMES)[number];

/** One step of the run lifecycle, as the server's event stream sends it (checked on arrival). */
export interface RunEvent {
  readonly name: RunEventName;
  readonly invokeId: string;
  readonly instanceId: string;
  readonly run: number;
  readonly status: string;
}

export type RunEventListener = (event: RunEvent) => void;
export type StreamState = 'connecting' | 'open' | 'retrying';

const EVENTS_PATH = '/console/events';
const EVENTS_ACTION = 'ConsoleEvents';

function parseRunEvent(data: string): RunEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const event = asObject(parsed);
  const name = str(event, 'name');
  const found = RUN_EVENT_NAMES.find((known) => known === name);
  const run = num(event, 'run');
  if (found === undefined || run === undefined) return undefined;
  return { name: found, invokeId: str(event, 'invokeId'), instanceId: str(event, 'instanceId'), run, status: str(event, 'status') };
}

/**
 * The server's run lifecycle events (Server-Sent Events on `/console/events`). Each connection
 * uses a freshly signed URL: a signature's nonce is good once, so EventSource's own reconnect
 * (same URL) would be refused; on an error the stream closes and reconnects with a new one.
 */
export class RunEventStream {
  readonly #listeners = new Set<RunEventListener>();
  readonly #stateListeners = new Set<(state: StreamState) => void>();
  #source: EventSource | undefined;
  #retry: number | undefined;
  #attempt = 0;
  #closed = false;

  constructor(private readonly api: ConsoleApi) {}

  start(): void {
    void this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#source?.close();
  }

  /** Calls `listener` for every event; returns the unsubscribe function. */
  subscribe(listener: RunEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onState(listener: (state: StreamState) => void): void {
    this.#stateListeners.add(listener);
  }

  #setState(state: StreamState): void {
    for (const listener of this.#stateListeners) listener(state);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    this.#setState('connecting');
    const url = await this.api.signedUrl(EVENTS_PATH, EVENTS_ACTION);
    const source = new EventSource(url);
    this.#source = source;
    source.addEventListener('open', () => {
      this.#attempt = 0;
      this.#setState('open');
    });
    source.addEventListener('run', (message) => {
      const event = parseRunEvent(typeof message.data === 'string' ? message.data : '');
      if (event) for (const listener of this.#listeners) listener(event);
    });
    source.addEventListener('error', () => {
      source.close();
      if (this.#closed) return;
      this.#setState('retrying');
      this.#attempt += 1;
      const delay = Math.min(10_000, 500 * 2 ** Math.min(this.#attempt, 5));
      this.#retry = window.setTimeout(() => void this.#connect(), delay);
    });
  }
}
