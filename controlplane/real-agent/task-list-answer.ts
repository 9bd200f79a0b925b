import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FileSpec, TaskSpec } from '../../shared/protocol.js';
import { OUTPUT_QUOTA_BYTES } from '../../shared/output-buffer.js';

/**
 * The `task/list` answer (spec/real-agent-protocol.md §3.5): the agent decodes it with Go's
 * encoding/json into fixed types, and a single mistyped field drops every entry, so this module
 * builds it from typed values only and its schema pins each JSON type (`timeOut` a *string*,
 * `invokeVersion` a number, `enableParameter` a bool). Pure.
 */
export const RunTaskSchema = z.strictObject({
  type: z.literal('RunShellScript'),
  taskID: z.string().min(1),
  commandId: z.string(),
  commandName: z.string(),
  commandContent: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/),
  /** Seconds as a string of digits: a number breaks the whole answer. */
  timeOut: z.string().regex(/^\d+$/),
  invokeVersion: z.number().int().min(0),
  workingDirectory: z.string(),
  username: z.string(),
  enableParameter: z.boolean(),
  containerId: z.string().optional(),
  containerName: z.string().optional(),
});
export const OutputOptionsSchema = z.strictObject({
  interval: z.number().int(),
  logQuota: z.number().int(),
  skipEmpty: z.boolean(),
  sendStart: z.boolean(),
});
export const RunEntrySchema = z.strictObject({ task: RunTaskSchema, output: OutputOptionsSchema, repeat: z.literal('Once') });
export const StopEntrySchema = z.strictObject({
  task: z.strictObject({ type: z.literal('RunShellScript'), taskID: z.string().min(1), invokeVersion: z.number().int().min(0), commandContent: z.literal(''), timeOut: z.string() }),
  repeat: z.literal('Once'),
});
export const FileEntrySchema = z.strictObject({
  task: z.strictObject({
    taskID: z.string().min(1),
    name: z.string(),
    destination: z.string(),
    content: z.string(),
    signature: z.string().regex(/^[0-9a-f]{32}$/),
    mode: z.string(),
    owner: z.string(),
    group: z.string(),
    overwrite: z.boolean(),
    timeout: z.number().int(),
  }),
});
export const TaskListAnswerSchema = z.strictObject({
  code: z.literal(200),
  instanceId: z.string(),
  run: z.array(RunEntrySchema),
  stop: z.array(StopEntrySchema),
  test: z.array(RunEntrySchema),
  file: z.array(FileEntrySchema),
  session: z.array(z.never()),
});
export type RunEntry = z.infer<typeof RunEntrySchema>;
export type StopEntry = z.infer<typeof StopEntrySchema>;
export type FileEntry = z.infer<typeof FileEntrySchema>;
export type TaskListAnswer = z.infer<typeof TaskListAnswerSchema>;

/**
 * Running reports every second, only when there is output, with an empty one right before the
 * script starts (so Running shows at once); the quota is casim's 24576 bytes.
 */
export const OUTPUT_OPTIONS = { interval: 1000, logQuota: OUTPUT_QUOTA_BYTES, skipEmpty: true, sendStart: true } as const;

/** The agent puts `<commandName>-<taskId>.iv<N>.sh` in a file name: keep it a plain name. */
export function safeCommandName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 64);
  return safe || 'command';
}

/**
 * `root` (the API's default) goes out as no user: the agent runs as root itself, and it refuses
 * a `username` whose uid or gid is 0 ("invalid uid and gid", seen with the v578 binary).
 */
export function agentUsername(username: string): string {
  return username === 'root' ? '' : username;
}

/**
 * One casim run as a run entry. Every run, a periodic task's included, goes out as a `Once` task
 * whose `invokeVersion` is the run number: the control plane keeps the schedule (one lifecycle,
 * one clock), and the agent's script file `<name>-<taskId>.iv<run>.sh` is new for each run, so
 * its "script file existed" guard never refuses a later run.
 */
export function runEntry(task: TaskSpec): RunEntry {
  return {
    task: {
      type: 'RunShellScript',
      taskID: task.taskId,
      commandId: task.commandId,
      commandName: safeCommandName(task.commandName),
      commandContent: Buffer.from(task.script, 'utf8').toString('base64'),
      timeOut: String(task.timeoutSeconds),
      invokeVersion: task.run,
      workingDirectory: task.workingDir,
      username: agentUsername(task.username),
      // Built-ins are already resolved by the control plane (the agent would look some up in metadata).
      enableParameter: false,
      ...(task.containerId ? { containerId: task.containerId } : {}),
      ...(task.containerName ? { containerName: task.containerName } : {}),
    },
    output: { ...OUTPUT_OPTIONS },
    repeat: 'Once',
  };
}

/** A cancel: only the id, the version and the repeat matter to the agent (§4.1). */
export function stopEntry(taskId: string, run: number): StopEntry {
  return { task: { type: 'RunShellScript', taskID: taskId, invokeVersion: run, commandContent: '', timeOut: '0' }, repeat: 'Once' };
}

/** SendFile; the agent checks `signature` = hex MD5 of the base64 text itself (§4.3). */
export function fileEntry(file: FileSpec): FileEntry {
  return {
    task: {
      taskID: file.fileId,
      name: file.name,
      destination: file.targetDir,
      content: file.content,
      signature: createHash('md5').update(file.content, 'utf8').digest('hex'),
      mode: file.mode,
      owner: file.owner,
      group: file.group,
      overwrite: file.overwrite,
      timeout: file.timeoutSeconds,
    },
  };
}

export function taskListAnswer(instanceId: string, parts: Partial<Pick<TaskListAnswer, 'run' | 'stop' | 'test' | 'file'>>): TaskListAnswer {
  return { code: 200, instanceId, run: parts.run ?? [], stop: parts.stop ?? [], test: parts.test ?? [], file: parts.file ?? [], session: [] };
}
