import { formatApiTime, simulatedTime, type Clock } from '../../shared/clock.js';
import { invokeIdOf, taskIdOf } from '../../shared/task-keys.js';
import type { Logger } from '../../shared/logger.js';
import type { FileFinishedMessage, FileSpec } from '../../shared/protocol.js';
import type { AgentSender, FileEventHandler } from '../hub/agent-hub.js';
import type { FileDeliveryRecord, FileInvocationRecord } from '../store/records.js';
import type { ControlPlaneStore } from '../store/control-plane-store.js';
import { runKey } from '../store/record-keys.js';
import { fileContentBase64 } from './file-content.js';
import { instanceNotRunningStatus, statusOfFileOutcome, undeliveredFileStatus, type FileResultStatus } from './file-outcome-status.js';

/** A file not delivered within this time is Aborted, like a run (spec §7.1: 1 minute). */
export const FILE_DELIVERY_TIMEOUT_MS = 60_000;
const SWEEP_INTERVAL_MS = 5_000;


/**
 * Drives SendFile: stores the call with a row per instance, pushes the file to each agent (again
 * whenever the agent connects while the row is Pending), and turns the agent's raw report into
 * the public per-instance status. Every change is persisted before it is acknowledged.
 */
export class SendFileService implements FileEventHandler {
  private readonly sweeper: NodeJS.Timeout;
  /** The delivery window never reaches back before this server started (an outage aborts nothing). */
  private readonly startedMs: number;

  constructor(
    private readonly store: ControlPlaneStore,
    private readonly agents: AgentSender,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.startedMs = clock.now().getTime();
    this.sweeper = setInterval(() => {
      try {
        this.abortUndelivered();
      } catch (error) {
        this.logger.warn('file sweep failed; retried at the next tick', { error: (error as Error).message });
      }
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Stores the SendFile with a row per instance and pushes it to the connected agents. An
   * instance that is not Running (stopped) is Aborted at once with InstanceNotRunning.
   */
  start(invocation: FileInvocationRecord, notRunning: ReadonlySet<string> = new Set()): void {
    const now = formatApiTime(this.clock.now());
    const rows: FileDeliveryRecord[] = invocation.instanceIds.map((instanceId) => {
      const row: FileDeliveryRecord = {
        invokeId: invocation.invokeId,
        instanceId,
        status: 'Pending',
        errorCode: '',
        errorInfo: '',
        creationTime: now,
        startTime: '',
        finishTime: '',
        updateTime: now,
      };
      if (!notRunning.has(instanceId)) return row;
      const aborted = instanceNotRunningStatus();
      return { ...row, status: aborted.status, errorCode: aborted.errorCode, errorInfo: aborted.errorInfo, finishTime: now };
    });
    this.store.transaction(() => {
      this.store.fileInvocations.add(invocation);
      for (const row of rows) this.store.fileDeliveries.add(row);
      // Pushed once the rows are committed (the outbox rule).
      for (const row of rows) if (row.status === 'Pending') this.store.afterCommit(() => this.deliver(invocation, row.instanceId));
    });
  }

  private fileSpec(invocation: FileInvocationRecord, instanceId: string): FileSpec {
    return {
      fileId: taskIdOf(invocation.invokeId, instanceId),
      invokeId: invocation.invokeId,
      name: invocation.name,
      targetDir: invocation.targetDir,
      content: fileContentBase64(invocation.content, invocation.contentType),
      owner: invocation.fileOwner,
      group: invocation.fileGroup,
      mode: invocation.fileMode,
      overwrite: invocation.overwrite,
      timeoutSeconds: invocation.timeout,
    };
  }

  private deliver(invocation: FileInvocationRecord, instanceId: string): void {
    const sent = this.agents.send(instanceId, { type: 'file', file: this.fileSpec(invocation, instanceId) });
    if (!sent) this.logger.info('instance not connected; file waits for its agent', { invokeId: invocation.invokeId, instanceId });
  }

  /** Re-pushes what this instance has not received yet: the agent writes each file at most once. */
  onConnected(instanceId: string): void {
    for (const row of this.store.fileQueries.pendingOnInstance(instanceId)) {
      const invocation = this.store.fileInvocations.get(row.invokeId);
      if (invocation) this.deliver(invocation, instanceId);
    }
  }

  /**
   * Stores the file's result (in the agents' group commit) and acknowledges it with
   * `file-finish-ack` once that commit has made it durable, never before: a report that comes
   * in the same turn as another agent message shares that message's open commit.
   */
  onFileFinished(instanceId: string, message: FileFinishedMessage): void {
    const ack = (): void => void this.agents.send(instanceId, { type: 'file-finish-ack', fileId: message.fileId });
    this.store.group(() => {
      const invokeId = invokeIdOf(message.fileId, instanceId);
      const row = invokeId === undefined ? undefined : this.store.fileDeliveries.get(runKey(invokeId, instanceId));
      // Unknown, or already final (e.g. Aborted before a late report, or this report's own
      // earlier copy in the open commit): acknowledged with that commit.
      if (row && (row.status === 'Pending' || row.status === 'Running')) {
        const result = statusOfFileOutcome(message.outcome);
        this.settle(row, result, this.reported(message.startedAt), this.reported(message.finishedAt));
        this.logger.info('file finished', { invokeId, instanceId, status: result.status, errorCode: result.errorCode });
      }
      this.store.afterCommit(ack);
    });
  }

  private settle(row: FileDeliveryRecord, result: FileResultStatus, startTime: string, finishTime: string): void {
    this.store.fileDeliveries.put({
      ...row,
      status: result.status,
      errorCode: result.errorCode,
      errorInfo: result.errorInfo,
      startTime,
      finishTime,
      updateTime: formatApiTime(this.clock.now()),
    });
  }

  /** An agent-reported (real) instant as an API time on this service's clock. */
  private reported(iso: string): string {
    return formatApiTime(simulatedTime(this.clock, new Date(iso)));
  }

  /**
   * Pending files that no agent took within the delivery window become Aborted. Reads only those
   * (the window never reaches back before this server started: until then none is due).
   */
  private abortUndelivered(): void {
    const nowMs = this.clock.now().getTime();
    if (nowMs - this.startedMs < FILE_DELIVERY_TIMEOUT_MS) return;
    // API times are whole seconds: updateTime <= now - window, as text on the (status, update_time) index.
    for (const row of this.store.fileQueries.pendingUpdatedBy(formatApiTime(new Date(nowMs - FILE_DELIVERY_TIMEOUT_MS)))) {
      const result = undeliveredFileStatus(this.agents.isConnected(row.instanceId));
      const now = formatApiTime(this.clock.now());
      this.settle(row, result, '', now);
      this.logger.warn('file aborted: not delivered in time', { invokeId: row.invokeId, instanceId: row.instanceId, errorCode: result.errorCode });
    }
  }
}
