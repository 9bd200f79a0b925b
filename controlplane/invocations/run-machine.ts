import { formatApiTime } from '../../shared/clock.js';
import type { TaskOutcome } from '../../shared/protocol.js';
import { powerActionOf, type PowerAction } from '../../shared/power-action.js';
import type { InstanceRunRecord } from '../store/records.js';
import { INSTANCE_ERROR_INFO, statusOfOutcome, unknownBuiltInStatus, type InstanceErrorCode } from './outcome-status.js';

/**
 * The life of one instance's run, as one pure function: `next(run, event, now)` gives the new
 * run record and the effects the service must apply (after persisting the record). Every
 * (state, event) pair is defined, including duplicates and events that arrive late or out of
 * order (test/unit/run-machine.test.ts covers the whole table).
 *
 *   Scheduled ─trigger→ Pending ─delivered→ Pending(delivered) ─started→ Running ─finished→ final
 *                          │                       │                      │
 *                          └─stop→ Cancelled       └─agent-lost→ Aborted   ├─stop→ Stopping ─finished→ Terminated…
 *                          └─undelivered→ Aborted                         └─agent-lost / instance-down→ Error
 *
 * A verdict the control plane reached without the agent (a sweep: DeliveryTimeout,
 * ClientNotRunning, ClientNotResponse) is provisional: the agent's own report, when it comes,
 * wins (the sweeper never overrules a result the agent holds).
 */

/** Times are API-formatted strings (`formatApiTime`). */
export type RunEvent =
  /** A repeating task's next run is due (or its instance booted). */
  | { type: 'trigger'; instance: 'running' | 'stopped' | 'released' }
  /** The agent acknowledged the task (`task-ack`). */
  | { type: 'delivered'; run: number }
  | { type: 'started'; run: number; startTime: string }
  | {
      type: 'finished';
      run: number;
      outcome: TaskOutcome;
      output: string;
      dropped: number;
      /** null when the script never started. */
      startTime: string | null;
      finishTime: string;
      timeoutSeconds: number;
    }
  /** StopInvocation. */
  | { type: 'stop' }
  /** The delivery window passed and no agent acknowledged the task. */
  | { type: 'undelivered'; agentConnected: boolean }
  /** The agent holding the run has been gone past the run's Timeout and the grace period. */
  | { type: 'agent-lost' }
  /** The instance stopped, rebooted or was released under the run. */
  | { type: 'instance-down'; reason: 'interrupted' | 'released' }
  /** The script names an unknown `{{ACS::…}}` built-in: it can never be sent. */
  | { type: 'unknown-built-in'; name: string };

export type RunEffect =
  /** Push the task to the instance's agent. */
  | { type: 'dispatch' }
  /** Tell the agent to kill the run. */
  | { type: 'send-stop' }
  | { type: 'ack-started' }
  | { type: 'ack-finished' }
  /** The run reached a final status: keep it in the history and go on with the schedule. */
  | { type: 'settled'; scheduleOver: boolean; powerAction: PowerAction | null }
  /** The control plane ended the run without the agent (for logs and metrics). */
  | { type: 'swept'; errorCode: InstanceErrorCode };

export interface Transition {
  run: InstanceRunRecord;
  /** The record differs from the input: persist it before applying the effects. */
  changed: boolean;
  effects: RunEffect[];
}

/** Codes of verdicts reached without the agent; a later report from the agent replaces them. */
export const PROVISIONAL_CODES: ReadonlySet<string> = new Set<InstanceErrorCode>(['DeliveryTimeout', 'ClientNotRunning', 'ClientNotResponse']);

export function isProvisional(run: Pick<InstanceRunRecord, 'status' | 'errorCode'>): boolean {
  return (run.status === 'Aborted' || run.status === 'Error') && PROVISIONAL_CODES.has(run.errorCode);
}

const same = (run: InstanceRunRecord, ...effects: RunEffect[]): Transition => ({ run, changed: false, effects });
const to = (run: InstanceRunRecord, ...effects: RunEffect[]): Transition => ({ run, changed: true, effects });

function withCode(run: InstanceRunRecord, status: InstanceRunRecord['status'], code: InstanceErrorCode, now: string): InstanceRunRecord {
  return { ...run, status, errorCode: code, errorInfo: INSTANCE_ERROR_INFO[code], updateTime: now, finishTime: now };
}

function swept(run: InstanceRunRecord, status: InstanceRunRecord['status'], code: InstanceErrorCode, now: string): Transition {
  return to(withCode(run, status, code, now), { type: 'settled', scheduleOver: false, powerAction: null }, { type: 'swept', errorCode: code });
}

/** The run an agent reports on may be an older one of a repeating task: only the current one counts. */
function isCurrent(run: InstanceRunRecord, reported: number): boolean {
  return run.run === reported;
}

function onTrigger(run: InstanceRunRecord, instance: 'running' | 'stopped' | 'released', now: string): Transition {
  if (run.status !== 'Scheduled') return same(run);
  const fresh: InstanceRunRecord = {
    ...run,
    run: run.run + 1,
    status: 'Pending',
    errorCode: '',
    errorInfo: '',
    exitCode: null,
    output: '',
    dropped: 0,
    outputSeq: 0,
    startTime: '',
    finishTime: '',
    deliveredTime: '',
    updateTime: now,
    nextRunTime: '',
  };
  if (instance === 'running') return to(fresh, { type: 'dispatch' });
  // A scheduled run on a stopped or released instance cannot be delivered (spec §7.4).
  const code = instance === 'stopped' ? 'InstanceNotRunning' : 'InstanceReleased';
  return to(withCode(fresh, 'Aborted', code, now), { type: 'settled', scheduleOver: instance === 'released', powerAction: null });
}

function onStarted(run: InstanceRunRecord, event: Extract<RunEvent, { type: 'started' }>, now: string): Transition {
  if (!isCurrent(run, event.run)) return same(run, { type: 'ack-started' });
  if (run.status === 'Pending' || isProvisional(run)) {
    return to(
      { ...run, status: 'Running', errorCode: '', errorInfo: '', finishTime: '', startTime: event.startTime, deliveredTime: run.deliveredTime || now, updateTime: now },
      { type: 'ack-started' },
    );
  }
  // Cancelled before it started, but the agent had it already: kill it there.
  if (run.status === 'Cancelled') return same(run, { type: 'ack-started' }, { type: 'send-stop' });
  return same(run, { type: 'ack-started' });
}

function onFinished(run: InstanceRunRecord, event: Extract<RunEvent, { type: 'finished' }>, now: string): Transition {
  if (!isCurrent(run, event.run)) return same(run, { type: 'ack-finished' });
  const open = run.status === 'Pending' || run.status === 'Running' || run.status === 'Stopping' || isProvisional(run);
  if (!open) return same(run, { type: 'ack-finished' }); // already recorded, or Cancelled: just acknowledge
  const result = statusOfOutcome(event.outcome);
  const startTime = event.startTime ?? run.startTime;
  // On timeout FinishedTime = StartTime + Timeout (spec §6).
  const finishTime =
    event.outcome.kind === 'timed-out' && startTime
      ? formatApiTime(new Date(Date.parse(startTime) + event.timeoutSeconds * 1000))
      : event.finishTime;
  const counts = event.outcome.kind !== 'not-started' && event.outcome.kind !== 'checks-passed';
  return to(
    {
      ...run,
      status: result.status,
      errorCode: result.errorCode,
      errorInfo: result.errorInfo,
      exitCode: result.exitCode,
      output: event.output,
      dropped: event.dropped,
      startTime,
      finishTime,
      deliveredTime: run.deliveredTime || now,
      updateTime: now,
      repeats: counts ? run.repeats + 1 : run.repeats,
    },
    { type: 'settled', scheduleOver: false, powerAction: powerActionOf(event.outcome) },
    { type: 'ack-finished' },
  );
}

function onStop(run: InstanceRunRecord, now: string): Transition {
  switch (run.status) {
    case 'Running':
    case 'Stopping':
      return to({ ...run, status: 'Stopping', stopTime: run.stopTime || now, updateTime: now }, { type: 'send-stop' });
    case 'Pending':
      // It may already have reached its agent: stop it there too.
      return to({ ...run, status: 'Cancelled', stopTime: now, updateTime: now, finishTime: now }, { type: 'send-stop' });
    case 'Scheduled':
      return to({ ...run, status: 'Cancelled', stopTime: now, updateTime: now, finishTime: now, nextRunTime: '' });
    default:
      return same(run);
  }
}

function onInstanceDown(run: InstanceRunRecord, reason: 'interrupted' | 'released', now: string): Transition {
  const over = { type: 'settled', scheduleOver: reason === 'released', powerAction: null } as const;
  switch (run.status) {
    case 'Pending':
      return to(withCode(run, 'Aborted', reason === 'released' ? 'InstanceReleased' : 'InstanceNotRunning', now), over);
    case 'Running':
    case 'Stopping':
      return to(withCode(run, 'Error', reason === 'released' ? 'InstanceReleased' : 'ExecutionInterrupted', now), over);
    default:
      return same(run);
  }
}

/** The run's next state and what to do about it. Pure. */
export function next(run: InstanceRunRecord, event: RunEvent, now: string): Transition {
  switch (event.type) {
    case 'trigger':
      return onTrigger(run, event.instance, now);
    case 'delivered':
      if (!isCurrent(run, event.run)) return same(run);
      if (run.status === 'Pending' && !run.deliveredTime) return to({ ...run, deliveredTime: now, updateTime: now });
      if (run.status === 'Cancelled') return same(run, { type: 'send-stop' });
      return same(run);
    case 'started':
      return onStarted(run, event, now);
    case 'finished':
      return onFinished(run, event, now);
    case 'stop':
      return onStop(run, now);
    case 'undelivered':
      if (run.status !== 'Pending' || run.deliveredTime) return same(run);
      return swept(run, 'Aborted', event.agentConnected ? 'DeliveryTimeout' : 'ClientNotRunning', now);
    case 'agent-lost':
      if (run.status === 'Running' || run.status === 'Stopping') return swept(run, 'Error', 'ClientNotResponse', now);
      if (run.status === 'Pending' && run.deliveredTime) return swept(run, 'Aborted', 'ClientNotResponse', now);
      return same(run);
    case 'instance-down':
      return onInstanceDown(run, event.reason, now);
    case 'unknown-built-in':
      if (run.status !== 'Pending') return same(run);
      return to({ ...run, ...unknownBuiltInStatus(event.name), updateTime: now, finishTime: now }, { type: 'settled', scheduleOver: false, powerAction: null });
  }
}
