/**
 * Kicks on the `wss` channel (spec/real-agent-protocol.md §3.4). Only these frames are ever
 * built: a two-word `kick_vm task` (action or id missing) deafens the agent's channel until it
 * restarts, and any space in an id would split it, so an id must be one non-empty word. Pure.
 */
export type Kick = { kind: 'task-run' | 'task-stop' | 'file-create'; id: string } | { kind: 'noop' };

const WORDS = { 'task-run': 'task run', 'task-stop': 'task stop', 'file-create': 'file create' } as const;

export function kickFrame(kick: Kick): string {
  if (kick.kind === 'noop') return 'kick_vm noop';
  if (!/^[\w.\-#:/]{1,160}$/.test(kick.id)) throw new RangeError(`not a kickable id: ${JSON.stringify(kick.id)}`);
  return `kick_vm ${WORDS[kick.kind]} ${kick.id}`;
}
