import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isActionName } from '../api/catalog.js';
import { subscribeApiCalls } from '../api/api-call-events.js';
import { subscribeFaultInjected } from '../faults/fault-events.js';
import { subscribeRunEvents } from '../invocations/run-events.js';
import { subscribeStoreTransactions } from '../store/store-events.js';

export const METRICS_PATH = '/metrics';

export interface MetricsSources {
  /** The server's event source (run, API and fault events). */
  source: string;
  /** The Store whose transactions are timed. */
  store: object;
  /** Connected agent sessions now. */
  connectedAgents: () => number;
  /** Faults in force now (0 when fault injection is off). */
  activeFaults: () => number;
  /** Tasks held back by delivery faults now. */
  heldTasks: () => number;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * The control plane's Prometheus metrics (`GET /metrics`, text format), in a registry of this
 * server's own (several servers run in one test process). Fed only by the lifecycle events on
 * `node:diagnostics_channel` (casim:api:call, casim:run:*, casim:fault:injected,
 * casim:store:transaction) and by gauges read at scrape time: nothing calls the metrics.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: Array<() => void> = [];
  /** Runs between creation and their end, by status (Pending, Running): from the run events. */
  private readonly inFlight = new Map<string, string>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const apiCalls = new Counter({ name: 'casim_api_requests_total', help: 'API calls by Action, error Code ("" = success) and HTTP status', labelNames: ['action', 'code', 'status'], registers });
    const apiLatency = new Histogram({ name: 'casim_api_request_duration_seconds', help: 'API call latency by Action', labelNames: ['action'], buckets: LATENCY_BUCKETS, registers });
    // The run events are thousands a second at fleet scale, and prom-client hashes and checks the
    // labels on every inc (a label child's too): they are tallied in plain numbers here and added
    // to the counters when these are read (a scrape), so a scrape shows every event before it.
    const eventTally = new Map<string, number>();
    const finishedTally = new Map<string, { status: string; errorCode: string; n: number }>();
    new Counter({
      name: 'casim_run_events_total', help: 'Run lifecycle steps (created, dispatched, started, output, finished, swept)', labelNames: ['event'], registers,
      collect() {
        for (const [event, n] of eventTally) this.inc({ event }, n);
        eventTally.clear();
      },
    });
    new Counter({
      name: 'casim_runs_finished_total', help: 'Runs that reached a final status, by InvocationStatus and ErrorCode', labelNames: ['status', 'error_code'], registers,
      collect() {
        for (const { status, errorCode, n } of finishedTally.values()) this.inc({ status, error_code: errorCode }, n);
        finishedTally.clear();
      },
    });
    const inFlight = this.inFlight;
    new Gauge({
      name: 'casim_runs_in_flight',
      help: 'Runs created and not yet ended, by status (Pending = the delivery queue, Running)',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>([['Pending', 0], ['Running', 0]]);
        for (const status of inFlight.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
        for (const [status, count] of counts) this.set({ status }, count);
      },
    });
    new Gauge({ name: 'casim_agents_connected', help: 'Agents with a live WebSocket session', registers, collect() { this.set(sources.connectedAgents()); } });
    new Gauge({ name: 'casim_faults_active', help: 'Faults in force', registers, collect() { this.set(sources.activeFaults()); } });
    new Gauge({ name: 'casim_fault_held_tasks', help: 'Tasks held back by delivery faults (lost or delayed)', registers, collect() { this.set(sources.heldTasks()); } });
    const faultsInjected = new Counter({ name: 'casim_faults_injected_total', help: 'Faults injected, by kind', labelNames: ['kind'], registers });
    const storeLatency = new Histogram({ name: 'casim_store_transaction_duration_seconds', help: 'Store transaction latency (outermost transactions)', labelNames: ['outcome'], buckets: STORE_BUCKETS, registers });

    const committed = storeLatency.labels({ outcome: 'committed' });
    const failed = storeLatency.labels({ outcome: 'failed' });
    this.unsubscribe.push(
      subscribeApiCalls(sources.source, (event) => {
        // Only catalogued Actions become label values: a caller cannot grow the label set.
        const action = isActionName(event.action) ? event.action : 'unknown';
        apiCalls.inc({ action, code: event.code, status: String(event.status) });
        apiLatency.observe({ action }, event.durationMs / 1000);
      }),
      subscribeRunEvents(sources.source, (name, event) => {
        eventTally.set(name, (eventTally.get(name) ?? 0) + 1);
        const key = `${event.invokeId}/${event.instanceId}`;
        switch (name) {
          case 'created':
            if (event.status === 'Pending') this.inFlight.set(key, 'Pending');
            return;
          case 'dispatched':
            this.inFlight.set(key, 'Pending');
            return;
          case 'started':
            this.inFlight.set(key, 'Running');
            return;
          case 'finished':
            this.inFlight.delete(key);
            countFinished(finishedTally, event.status, event.errorCode ?? '');
            return;
          case 'swept':
          case 'output':
            return;
        }
      }),
      subscribeFaultInjected(sources.source, (event) => faultsInjected.inc({ kind: event.kind })),
      subscribeStoreTransactions(sources.store, (event) => (event.ok ? committed : failed).observe(event.durationMs / 1000)),
    );
  }

  async handle(_request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await this.registry.metrics();
    response.writeHead(200, { 'content-type': this.registry.contentType, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe.length = 0;
    this.registry.clear();
  }
}

/** One more finished run of (status, errorCode) in `tally` (the values are few: statuses, error codes). */
function countFinished(tally: Map<string, { status: string; errorCode: string; n: number }>, status: string, errorCode: string): void {
  const key = `${status}\u0000${errorCode}`;
  const entry = tally.get(key);
  if (entry) entry.n += 1;
  else tally.set(key, { status, errorCode, n: 1 });
}
