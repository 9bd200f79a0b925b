import { describe, expect, it } from 'vitest';
import { next, type RunEvent } from '../../controlplane/invocations/run-machine.js';
import type { InstanceRunRecord } from '../../controlplane/store/records.js';

const NOW = '2026-12-01T10:00:00Z';

function run(patch: Partial<InstanceRunRecord> = {}): InstanceRunRecord {
  return {
    invokeId: 't-1', instanceId: 'i-1', run: 1, status: 'Pending', errorCode: '', errorInfo: '', exitCode: null, output: '', dropped: 0,
    creationTime: '2026-12-01T09:00:00Z', startTime: '', finishTime: '', updateTime: '2026-12-01T09:00:00Z', stopTime: '', repeats: 0,
    nextRunTime: '', deliveredTime: '', outputSeq: 0, ...patch,
  };
}

const finished = (outcome: Extract<RunEvent, { type: 'finished' }>['outcome'], runNumber = 1): RunEvent => ({
  type: 'finished', run: runNumber, outcome, output: 'aGk=', dropped: 0, startTime: '2026-12-01T09:59:00Z', finishTime: '2026-12-01T09:59:30Z', timeoutSeconds: 60,
});

const EVENTS: Record<string, RunEvent> = {
  'trigger': { type: 'trigger', instance: 'running' },
  'trigger-stopped': { type: 'trigger', instance: 'stopped' },
  'trigger-released': { type: 'trigger', instance: 'released' },
  'delivered': { type: 'delivered', run: 1 },
  'started': { type: 'started', run: 1, startTime: '2026-12-01T09:59:00Z' },
  'finished-0': finished({ kind: 'exited', exitCode: 0 }),
  'finished-killed': finished({ kind: 'killed' }),
  'stop': { type: 'stop' },
  'undelivered-connected': { type: 'undelivered', agentConnected: true },
  'undelivered-gone': { type: 'undelivered', agentConnected: false },
  'agent-lost': { type: 'agent-lost' },
  'down': { type: 'instance-down', reason: 'interrupted' },
  'released': { type: 'instance-down', reason: 'released' },
  'unknown-built-in': { type: 'unknown-built-in', name: 'Nope' },
  // The same agent messages for an older run of a repeating task: acknowledged, ignored.
  'stale-delivered': { type: 'delivered', run: 0 },
  'stale-started': { type: 'started', run: 0, startTime: '2026-12-01T09:59:00Z' },
  'stale-finished': finished({ kind: 'exited', exitCode: 0 }, 0),
};

const STATES: Record<string, Partial<InstanceRunRecord>> = {
  'Pending': { status: 'Pending' },
  'Pending(delivered)': { status: 'Pending', deliveredTime: '2026-12-01T09:00:01Z' },
  'Scheduled': { status: 'Scheduled' },
  'Running': { status: 'Running', startTime: '2026-12-01T09:59:00Z', deliveredTime: '2026-12-01T09:00:01Z' },
  'Stopping': { status: 'Stopping', startTime: '2026-12-01T09:59:00Z', stopTime: '2026-12-01T09:59:10Z' },
  'Success': { status: 'Success', exitCode: 0 },
  'Failed': { status: 'Failed', errorCode: 'ExitCodeNonzero', exitCode: 1 },
  'Invalid': { status: 'Invalid', errorCode: 'AccountNotExists' },
  'Aborted(InstanceNotRunning)': { status: 'Aborted', errorCode: 'InstanceNotRunning' },
  'Aborted(DeliveryTimeout)': { status: 'Aborted', errorCode: 'DeliveryTimeout' },
  'Aborted(ClientNotRunning)': { status: 'Aborted', errorCode: 'ClientNotRunning' },
  'Error(ExecutionInterrupted)': { status: 'Error', errorCode: 'ExecutionInterrupted' },
  'Error(ClientNotResponse)': { status: 'Error', errorCode: 'ClientNotResponse' },
  'Timeout': { status: 'Timeout', errorCode: 'ExecutionTimeout' },
  'Cancelled': { status: 'Cancelled', stopTime: '2026-12-01T09:59:10Z' },
  'Terminated': { status: 'Terminated' },
};

// Expected: "Status[/ErrorCode] effect,effect" or "= effect" for no change. Columns follow EVENTS' order.
type Row = Record<keyof typeof EVENTS, string>;
const S = 'settled';
const SAME_FINAL: Row = {
  'trigger': '=', 'trigger-stopped': '=', 'trigger-released': '=', 'delivered': '=', 'started': '= ack-started', 'finished-0': '= ack-finished',
  'finished-killed': '= ack-finished', 'stop': '=', 'undelivered-connected': '=', 'undelivered-gone': '=', 'agent-lost': '=', 'down': '=',
  'released': '=', 'unknown-built-in': '=', 'stale-delivered': '=', 'stale-started': '= ack-started', 'stale-finished': '= ack-finished',
};
const PROVISIONAL: Row = {
  ...SAME_FINAL,
  'started': 'Running ack-started',
  'finished-0': `Success ${S},ack-finished`,
  'finished-killed': `Terminated ${S},ack-finished`,
};
const TABLE: Record<keyof typeof STATES, Row> = {
  'Pending': {
    ...SAME_FINAL,
    'delivered': 'Pending', 'started': 'Running ack-started', 'finished-0': `Success ${S},ack-finished`, 'finished-killed': `Terminated ${S},ack-finished`,
    'stop': 'Cancelled send-stop', 'undelivered-connected': `Aborted/DeliveryTimeout ${S},swept`, 'undelivered-gone': `Aborted/ClientNotRunning ${S},swept`,
    'down': `Aborted/InstanceNotRunning ${S}`, 'released': `Aborted/InstanceReleased ${S}`, 'unknown-built-in': `Invalid/InvalidEnvironmentParameter ${S}`,
  },
  'Pending(delivered)': {
    ...SAME_FINAL,
    'started': 'Running ack-started', 'finished-0': `Success ${S},ack-finished`, 'finished-killed': `Terminated ${S},ack-finished`,
    'stop': 'Cancelled send-stop', 'agent-lost': `Aborted/ClientNotResponse ${S},swept`,
    'down': `Aborted/InstanceNotRunning ${S}`, 'released': `Aborted/InstanceReleased ${S}`, 'unknown-built-in': `Invalid/InvalidEnvironmentParameter ${S}`,
  },
  'Scheduled': {
    ...SAME_FINAL,
    'trigger': 'Pending dispatch', 'trigger-stopped': `Aborted/InstanceNotRunning ${S}`, 'trigger-released': `Aborted/InstanceReleased ${S}`, 'stop': 'Cancelled',
  },
  'Running': {
    ...SAME_FINAL,
    'finished-0': `Success ${S},ack-finished`, 'finished-killed': `Terminated ${S},ack-finished`, 'stop': 'Stopping send-stop',
    'agent-lost': `Error/ClientNotResponse ${S},swept`, 'down': `Error/ExecutionInterrupted ${S}`, 'released': `Error/InstanceReleased ${S}`,
  },
  'Stopping': {
    ...SAME_FINAL,
    'finished-0': `Success ${S},ack-finished`, 'finished-killed': `Terminated ${S},ack-finished`, 'stop': 'Stopping send-stop',
    'agent-lost': `Error/ClientNotResponse ${S},swept`, 'down': `Error/ExecutionInterrupted ${S}`, 'released': `Error/InstanceReleased ${S}`,
  },
  'Success': SAME_FINAL,
  'Failed': SAME_FINAL,
  'Invalid': SAME_FINAL,
  'Aborted(InstanceNotRunning)': SAME_FINAL,
  'Aborted(DeliveryTimeout)': PROVISIONAL,
  'Aborted(ClientNotRunning)': PROVISIONAL,
  'Error(ExecutionInterrupted)': SAME_FINAL,
  'Error(ClientNotResponse)': PROVISIONAL,
  'Timeout': SAME_FINAL,
  'Cancelled': { ...SAME_FINAL, 'delivered': '= send-stop', 'started': '= ack-started,send-stop' },
  'Terminated': SAME_FINAL,
};

function describeOutcome(before: InstanceRunRecord, event: RunEvent): string {
  const transition = next(before, event, NOW);
  const effects = transition.effects.map((e) => e.type).join(',');
  const head = transition.changed
    ? transition.run.status + (transition.run.errorCode && transition.run.errorCode !== before.errorCode ? `/${transition.run.errorCode}` : '')
    : '=';
  return effects ? `${head} ${effects}` : head;
}

describe('the run state machine: every (state, event) pair', () => {
  for (const [stateName, patch] of Object.entries(STATES)) {
    for (const [eventName, event] of Object.entries(EVENTS)) {
      const expected = TABLE[stateName]![eventName]!;
      it(`${stateName} + ${eventName} → ${expected}`, () => {
        expect(describeOutcome(run(patch), event)).toBe(expected);
      });
    }
  }

  it('is idempotent: the same agent message twice changes the record once', () => {
    for (const [eventName, event] of Object.entries(EVENTS)) {
      if (!['delivered', 'started', 'finished-0', 'finished-killed'].includes(eventName)) continue;
      for (const patch of Object.values(STATES)) {
        const once = next(run(patch), event, NOW).run;
        const twice = next(once, event, NOW);
        if (once.status !== 'Pending' || eventName !== 'delivered') expect(twice.changed, `${eventName} on ${patch.status}`).toBe(false);
      }
    }
  });
});

describe('the run state machine: fields', () => {
  it('a timed-out run finishes at StartTime + Timeout, whatever the agent reports', () => {
    const { run: after } = next(run({ status: 'Running' }), finished({ kind: 'timed-out' }), NOW);
    expect(after).toMatchObject({ status: 'Timeout', errorCode: 'ExecutionTimeout', startTime: '2026-12-01T09:59:00Z', finishTime: '2026-12-01T10:00:00Z' });
  });

  it('counts a run that executed in Repeats, and not one that never started', () => {
    expect(next(run({ status: 'Running', repeats: 2 }), finished({ kind: 'exited', exitCode: 3 }), NOW).run).toMatchObject({ status: 'Failed', exitCode: 3, repeats: 3 });
    const notStarted = finished({ kind: 'not-started', reason: 'account-not-exists', detail: 'no bob' });
    expect(next(run({ status: 'Running', repeats: 2 }), notStarted, NOW).run).toMatchObject({ status: 'Invalid', errorCode: 'AccountNotExists', repeats: 2 });
  });

  it('a late report replaces a provisional verdict entirely (no error code left behind)', () => {
    const swept = next(run(), { type: 'undelivered', agentConnected: false }, NOW).run;
    expect(swept).toMatchObject({ status: 'Aborted', errorCode: 'ClientNotRunning', finishTime: NOW });
    const after = next(swept, finished({ kind: 'exited', exitCode: 0 }), NOW).run;
    expect(after).toMatchObject({ status: 'Success', errorCode: '', errorInfo: '', exitCode: 0, output: 'aGk=', finishTime: '2026-12-01T09:59:30Z' });
  });

  it('a trigger starts a fresh run: number + 1, nothing left of the previous one', () => {
    const previous = run({ status: 'Scheduled', run: 4, output: 'eA==', exitCode: 1, errorCode: 'ExitCodeNonzero', deliveredTime: NOW, outputSeq: 9 });
    expect(next(previous, { type: 'trigger', instance: 'running' }, NOW).run).toMatchObject({
      status: 'Pending', run: 5, output: '', exitCode: null, errorCode: '', deliveredTime: '', outputSeq: 0,
    });
  });

  it('a stop keeps the first StopTime; a script exit 194 asks for a reboot when settled', () => {
    expect(next(run({ status: 'Stopping', stopTime: '2026-12-01T09:59:10Z' }), { type: 'stop' }, NOW).run.stopTime).toBe('2026-12-01T09:59:10Z');
    const effects = next(run({ status: 'Running' }), finished({ kind: 'exited', exitCode: 194 }), NOW).effects;
    expect(effects).toContainEqual({ type: 'settled', scheduleOver: false, powerAction: 'reboot' });
  });
});
