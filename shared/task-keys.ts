/**
 * The one home of the protocol's key formats. A task (or SendFile file) id names one instance's
 * part of an invocation: `<invokeId>.<instanceId>`; a run of a task is `<taskId>#<run>`.
 */
export function taskIdOf(invokeId: string, instanceId: string): string {
  return `${invokeId}.${instanceId}`;
}

/** The invokeId inside a task id reported by `instanceId`'s agent, or undefined when it is not one of its ids. */
export function invokeIdOf(taskId: string, instanceId: string): string | undefined {
  const suffix = `.${instanceId}`;
  if (!taskId.endsWith(suffix) || taskId.length === suffix.length) return undefined;
  return taskId.slice(0, taskId.length - suffix.length);
}

/** One run of a task (a periodic task runs many times). */
export function runKeyOf(taskId: string, run: number): string {
  return `${taskId}#${run}`;
}
