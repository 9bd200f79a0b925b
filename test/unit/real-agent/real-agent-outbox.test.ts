import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createLogger } from '../../../shared/logger.js';
import type { TaskSpec } from '../../../shared/protocol.js';
import { RealAgentOutbox } from '../../../controlplane/real-agent/real-agent-outbox.js';

function fakeSocket(): { socket: WebSocket; sent: string[] } {
  const sent: string[] = [];
  const socket = { OPEN: 1, readyState: 1, send: (frame: string) => sent.push(frame), close: () => undefined } as unknown as WebSocket;
  return { socket, sent };
}

const task = (taskId: string, run = 1, extra: Partial<TaskSpec> = {}): TaskSpec => ({
  taskId, run, invokeId: taskId.split('.')[0]!, commandId: 'c-1', commandName: 'n', type: 'RunShellScript', script: 'true', workingDir: '', username: '',
  timeoutSeconds: 60, terminationMode: 'Process', ...extra,
});

function setup() {
  const outbox = new RealAgentOutbox(createLogger('test'));
  const { socket, sent } = fakeSocket();
  outbox.attach('mi-1', socket);
  return { outbox, sent };
}

describe('RealAgentOutbox: the pull side of the real agent', () => {
  it('kicks a new task, hands it out on a fetch by its id, and does not kick it again once handed out', () => {
    const { outbox, sent } = setup();
    expect(outbox.send('mi-1', { type: 'task', task: task('t-a.mi-1') })).toBe(true);
    expect(sent).toEqual(['kick_vm task run t-a.mi-1']);
    const fetched = outbox.fetch('mi-1', 't-a.mi-1', false);
    expect(fetched.answer.run.map((e) => e.task.taskID)).toEqual(['t-a.mi-1']);
    expect(fetched.delivered).toEqual([{ taskId: 't-a.mi-1', run: 1 }]);
    outbox.send('mi-1', { type: 'task', task: task('t-a.mi-1') });
    expect(sent).toHaveLength(1);
  });

  it('answers a fetch by id with that task only, and a start-up fetch with everything not started', () => {
    const { outbox } = setup();
    outbox.send('mi-1', { type: 'task', task: task('t-a.mi-1') });
    outbox.send('mi-1', { type: 'task', task: task('t-b.mi-1', 1, { dryRun: true }) });
    expect(outbox.fetch('mi-1', 't-b.mi-1', false).answer).toMatchObject({ run: [], test: [{ task: { taskID: 't-b.mi-1' } }] });
    expect(outbox.fetch('mi-1', 't-zzz.mi-1', false).answer).toMatchObject({ run: [], test: [], stop: [], file: [] });
    const startup = outbox.fetch('mi-1', undefined, true);
    expect(startup.answer.run.map((e) => e.task.taskID)).toEqual(['t-a.mi-1']);
    expect(startup.answer.test.map((e) => e.task.taskID)).toEqual(['t-b.mi-1']);
  });

  it('never hands out a started run again: a start-up fetch reports it lost instead', () => {
    const { outbox } = setup();
    outbox.send('mi-1', { type: 'task', task: task('t-a.mi-1') });
    outbox.fetch('mi-1', 't-a.mi-1', false);
    outbox.started('mi-1', 't-a.mi-1', 1);
    expect(outbox.fetch('mi-1', 't-a.mi-1', false).answer.run).toEqual([]);
    const startup = outbox.fetch('mi-1', undefined, true);
    expect(startup.answer.run).toEqual([]);
    expect(startup.lost).toEqual([{ taskId: 't-a.mi-1', run: 1 }]);
    expect(outbox.pendingCount('mi-1')).toBe(0);
  });

  it('puts a stop in `stop` (not `run`) until the agent reports the run ended', () => {
    const { outbox, sent } = setup();
    outbox.send('mi-1', { type: 'task', task: task('t-a.mi-1') });
    outbox.send('mi-1', { type: 'task-stop', taskId: 't-a.mi-1', run: 1 });
    expect(sent.at(-1)).toBe('kick_vm task stop t-a.mi-1');
    const fetched = outbox.fetch('mi-1', 't-a.mi-1', false);
    expect(fetched.answer.run).toEqual([]);
    expect(fetched.answer.stop).toEqual([{ task: { type: 'RunShellScript', taskID: 't-a.mi-1', invokeVersion: 1, commandContent: '', timeOut: '0' }, repeat: 'Once' }]);
    outbox.finished('mi-1', 't-a.mi-1', 1);
    expect(outbox.fetch('mi-1', 't-a.mi-1', false).answer.stop).toEqual([]);
  });

  it('keeps work for an instance without a channel and reports it not sent', () => {
    const outbox = new RealAgentOutbox(createLogger('test'));
    expect(outbox.isConnected('mi-9')).toBe(false);
    expect(outbox.send('mi-9', { type: 'task', task: task('t-a.mi-9') })).toBe(false);
    expect(outbox.fetch('mi-9', undefined, true).answer.run).toHaveLength(1);
  });

  it('replaces an older run of the same task with the newer one (a periodic task\'s next run)', () => {
    const { outbox } = setup();
    outbox.send('mi-1', { type: 'task', task: task('t-p.mi-1', 1) });
    outbox.send('mi-1', { type: 'task', task: task('t-p.mi-1', 2) });
    expect(outbox.fetch('mi-1', 't-p.mi-1', false).answer.run.map((e) => e.task.invokeVersion)).toEqual([2]);
  });
});
