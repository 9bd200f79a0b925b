import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../shared/protocol.js';
import { fileEntry, runEntry, safeCommandName, stopEntry, taskListAnswer, TaskListAnswerSchema } from '../../../controlplane/real-agent/task-list-answer.js';

const task: TaskSpec = {
  taskId: 't-hz01.mi-abc',
  run: 3,
  invokeId: 't-hz01',
  commandId: 'c-hz01',
  commandName: 'my command/../x',
  type: 'RunShellScript',
  script: 'echo héllo',
  workingDir: '/tmp',
  username: 'nobody',
  timeoutSeconds: 60,
  terminationMode: 'ProcessTree',
  launcher: '',
};

describe('the task/list answer in the agent\'s exact JSON types (spec §3.5)', () => {
  it('gives timeOut as a string, invokeVersion as the run number, commandContent as base64 of the UTF-8 script', () => {
    const entry = runEntry(task);
    const json = JSON.parse(JSON.stringify(entry)) as { task: Record<string, unknown>; output: Record<string, unknown>; repeat: string };
    expect(json.task.timeOut).toBe('60');
    expect(json.task.invokeVersion).toBe(3);
    expect(json.task.enableParameter).toBe(false);
    expect(Buffer.from(json.task.commandContent as string, 'base64').toString('utf8')).toBe('echo héllo');
    expect(json.repeat).toBe('Once');
    expect(json.output).toEqual({ interval: 1000, logQuota: 24576, skipEmpty: true, sendStart: true });
    expect(json.task).not.toHaveProperty('cron');
  });

  it('sends the default user root as no user (the agent refuses uid 0) and other users as given', () => {
    expect(runEntry({ ...task, username: 'root' }).task.username).toBe('');
    expect(runEntry({ ...task, username: 'nobody' }).task.username).toBe('nobody');
    expect(runEntry({ ...task, username: '' }).task.username).toBe('');
  });

  it('passes a container target through and keeps the keys off when there is none', () => {
    expect(runEntry({ ...task, containerId: 'docker://abc', containerName: 'web' }).task).toMatchObject({ containerId: 'docker://abc', containerName: 'web' });
    expect(runEntry(task).task).not.toHaveProperty('containerId');
  });

  it.each([
    ['my command/../x', 'my_command_.._x'],
    ['..hidden', '_hidden'],
    ['', 'command'],
    ['ok-name_1.2', 'ok-name_1.2'],
    ['x'.repeat(100), 'x'.repeat(64)],
  ])('makes command name %j a plain file-name prefix %j', (name, safe) => {
    expect(safeCommandName(name)).toBe(safe);
  });

  it('signs a file entry with the hex MD5 of the base64 text itself (§4.3)', () => {
    const content = Buffer.from('hello\n').toString('base64');
    const entry = fileEntry({ fileId: 'f-1.mi-abc', invokeId: 'f-1', name: 'a.txt', targetDir: '/tmp', content, owner: 'root', group: 'root', mode: '0644', overwrite: true, timeoutSeconds: 60 });
    expect(entry.task.signature).toBe(createHash('md5').update(content).digest('hex'));
    expect(entry.task).toMatchObject({ taskID: 'f-1.mi-abc', destination: '/tmp', overwrite: true, timeout: 60 });
  });

  it('builds a whole answer the strict schema accepts, and the schema refuses a numeric timeOut', () => {
    const answer = taskListAnswer('mi-abc', { run: [runEntry(task)], stop: [stopEntry('t-2.mi-abc', 1)], test: [runEntry({ ...task, dryRun: true })] });
    expect(TaskListAnswerSchema.safeParse(answer).success).toBe(true);
    const broken = JSON.parse(JSON.stringify(answer)) as { run: Array<{ task: Record<string, unknown> }> };
    broken.run[0]!.task.timeOut = 60;
    expect(TaskListAnswerSchema.safeParse(broken).success).toBe(false);
  });
});
