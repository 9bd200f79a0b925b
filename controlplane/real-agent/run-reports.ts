import { OutputBuffer } from '../../shared/output-buffer.js';
import type { AgentEventHandler } from '../hub/agent-hub.js';
import type { RealAgentOutbox } from './real-agent-outbox.js';
import type { ReportFact } from './report-mapping.js';

interface Stream {
  run: number;
  started: boolean;
  seq: number;
  /** Everything streamed so far: the final Output is these bytes + the final report's body. */
  buffer: OutputBuffer;
}

/** Runs streaming at once per instance (the agent runs 10 and queues 50, §3.5). */
const MAX_STREAMS_PER_INSTANCE = 64;

/**
 * Feeds the real agent's reports to the AgentEventHandler as casim's own events: the first
 * `running` is `task-started`, its bodies are `task-output` chunks (seq 0, 1, …), and a final
 * verb is `task-finished` with the retained output rebuilt from every body (spec §3.6: the
 * server must concatenate the `running` bodies and the final body). Each call returns once the
 * handler has stored the report, so the HTTP answer that follows is a true acknowledgement.
 */
export class RunReports {
  private readonly streams = new Map<string, Map<string, Stream>>();

  constructor(
    private readonly runs: AgentEventHandler,
    private readonly outbox: RealAgentOutbox,
  ) {}

  apply(instanceId: string, fact: ReportFact): void {
    switch (fact.kind) {
      case 'ignored':
        return;
      case 'running':
        return this.running(instanceId, fact);
      case 'final':
        return this.final(instanceId, fact);
    }
  }

  /** The agent restarted: a run it had started will never be reported. */
  lost(instanceId: string, taskId: string, run: number): void {
    this.final(instanceId, { kind: 'final', taskId, run, outcome: { kind: 'interrupted' }, startMs: null, endMs: Date.now(), body: Buffer.alloc(0), dropped: 0 });
  }

  /** Only runs handed out by this server process stream into a buffer: late or stray reports do not. */
  private streamOf(instanceId: string, taskId: string, run: number): Stream | undefined {
    if (!this.outbox.holds(instanceId, taskId, run)) return undefined;
    let ofInstance = this.streams.get(instanceId);
    if (!ofInstance) {
      ofInstance = new Map();
      this.streams.set(instanceId, ofInstance);
    }
    const known = ofInstance.get(taskId);
    if (known && known.run === run) return known;
    if (known && known.run > run) return undefined; // an older run's late report
    if (!known && ofInstance.size >= MAX_STREAMS_PER_INSTANCE) return undefined;
    const stream: Stream = { run, started: false, seq: 0, buffer: new OutputBuffer() };
    ofInstance.set(taskId, stream);
    return stream;
  }

  private running(instanceId: string, fact: Extract<ReportFact, { kind: 'running' }>): void {
    const stream = this.streamOf(instanceId, fact.taskId, fact.run);
    const started = { type: 'task-started', taskId: fact.taskId, run: fact.run, startedAt: new Date(fact.startMs).toISOString() } as const;
    if (!stream) {
      // Not handed out by this process (e.g. casim restarted under the run): the start still counts.
      this.runs.onTaskStarted(instanceId, started);
      return;
    }
    this.outbox.started(instanceId, fact.taskId, fact.run);
    if (!stream.started) {
      this.runs.onTaskStarted(instanceId, started);
      stream.started = true;
    }
    if (fact.chunk.length === 0) return;
    const seq = stream.seq;
    this.runs.onTaskOutput(instanceId, { type: 'task-output', taskId: fact.taskId, run: fact.run, seq, data: fact.chunk.toString('base64') });
    stream.seq = seq + 1;
    stream.buffer.append(fact.chunk);
  }

  private final(instanceId: string, fact: Extract<ReportFact, { kind: 'final' }>): void {
    const ofInstance = this.streams.get(instanceId);
    const known = ofInstance?.get(fact.taskId);
    const stream = known && known.run === fact.run ? known : undefined;
    const buffer = stream?.buffer ?? new OutputBuffer();
    buffer.append(fact.body);
    const endMs = fact.endMs ?? Date.now();
    this.runs.onTaskFinished(instanceId, {
      type: 'task-finished',
      taskId: fact.taskId,
      run: fact.run,
      outcome: fact.outcome,
      output: buffer.contents().toString('base64'),
      dropped: fact.dropped + buffer.dropped,
      startedAt: fact.startMs === null ? null : new Date(fact.startMs).toISOString(),
      finishedAt: new Date(Math.max(endMs, fact.startMs ?? 0)).toISOString(),
    });
    // Stored: forget the run (a late `running` after `stopped` finds nothing to add to).
    if (stream) ofInstance?.delete(fact.taskId);
    this.outbox.finished(instanceId, fact.taskId, fact.run);
  }

  forget(instanceId: string): void {
    this.streams.delete(instanceId);
  }
}
