/**
 * The WebSocket protocol between the control plane (`/agent`) and an agent.
 * JSON text frames, one message per frame, each with a `type` discriminator.
 * Every message can be re-sent; the receiver de-duplicates by (taskId, run[, seq]).
 */
export const PROTOCOL_VERSION = 1 as const;
export const AGENT_PATH = '/agent';

export const TERMINATION_MODES = ['Process', 'ProcessTree'] as const;
export type TerminationMode = (typeof TERMINATION_MODES)[number];

/** What the control plane asks an agent to run: parameters already substituted. */
export interface TaskSpec {
  /** Unique per (invocation, instance). */
  taskId: string;
  /** 1 for a Once task; increases per run of a periodic task. */
  run: number;
  invokeId: string;
  commandId: string;
  commandName: string;
  type: 'RunShellScript';
  /** The script text (UTF-8) after custom-parameter substitution. */
  script: string;
  workingDir: string;
  username: string;
  timeoutSeconds: number;
  terminationMode: TerminationMode;
  /** Runs the script file, e.g. `python3 -u {{ACS::ScriptFileName|Ext(".py")}}`; empty = the file itself. */
  launcher?: string;
  /** RepeatMode=DryRun: run the pre-checks (user, directory, container) only. */
  dryRun?: boolean;
  /**
   * Run the script inside this container on the instance (agent/runner/container-runner.ts):
   * the ContainerId as the user gave it (64 hex digits, maybe `docker://`, `containerd://` or
   * `cri-o://`: the agent strips the prefix, as the real one does). Username, WorkingDir and
   * Launcher are then ignored. Absent or empty = run on the instance itself.
   */
  containerId?: string;
  /** The container's name (see containerId); with both, they must name the same container. */
  containerName?: string;
}

/** Why a script could not be started: raw facts, mapped to public codes by the control plane. */
export const NOT_STARTED_REASONS = [
  'account-not-exists', 'directory-not-exists', 'exception',
  // Container tasks (spec/reference-agent.md §1.9, the agent's container validation errors):
  'container-not-found', 'container-not-running', 'container-mismatch', 'container-connect-failed', 'container-runtime-error',
] as const;
export type NotStartedReason = (typeof NOT_STARTED_REASONS)[number];

/** SendFile: one file to write on one instance (spec §14). */
export interface FileSpec {
  /** Unique per (file invocation, instance). */
  fileId: string;
  invokeId: string;
  /** The file's name in targetDir: the agent refuses one with `/` or a bare `.`/`..`. */
  name: string;
  /** Absolute; created with its parents when missing. */
  targetDir: string;
  /** Base64 of the file's bytes (already decoded from the API's ContentType). */
  content: string;
  owner: string;
  group: string;
  /** chmod-style octal, e.g. `0644`. */
  mode: string;
  overwrite: boolean;
  timeoutSeconds: number;
}

/** Why a file was not written: raw facts, mapped to public codes by the control plane. */
export const FILE_FAILURE_REASONS = [
  'file-exists', 'owner-not-exists', 'group-not-exists', 'path-invalid', 'name-invalid', 'mode-invalid',
  'authority-failed', 'create-failed',
] as const;
export type FileFailureReason = (typeof FILE_FAILURE_REASONS)[number];

export type FileOutcome = { kind: 'written' } | { kind: 'failed'; reason: FileFailureReason; detail: string };

/** The raw fact of how a run ended. */
export type TaskOutcome =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'timed-out' }
  | { kind: 'killed' }
  /** The agent restarted while the script ran: it is reported once the agent is back. */
  | { kind: 'interrupted' }
  /** RepeatMode=DryRun: every pre-check passed; nothing was executed. */
  | { kind: 'checks-passed' }
  | { kind: 'not-started'; reason: NotStartedReason; detail: string };

// ---- agent → control plane ----
export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_VERSION;
  instanceId: string;
  secret: string;
  agentVersion: string;
  hostname: string;
  osType: 'Linux';
  /** First start of the agent since the machine booted (reboot-triggered tasks run then). */
  coldStart?: boolean;
  /** The machine's IANA time zone: cron schedules without a zone use it. */
  timeZone?: string;
}
export interface RegisterMessage {
  type: 'register';
  protocol: typeof PROTOCOL_VERSION;
  activationId: string;
  activationCode: string;
  agentVersion: string;
  hostname: string;
  osType: 'Linux';
  instanceName?: string;
}
export interface HeartbeatMessage { type: 'heartbeat' }
export interface TaskAckMessage { type: 'task-ack'; taskId: string; run: number }
export interface TaskStartedMessage { type: 'task-started'; taskId: string; run: number; startedAt: string }
export interface TaskOutputMessage {
  type: 'task-output';
  taskId: string;
  run: number;
  /** 0-based, consecutive per (taskId, run). */
  seq: number;
  /** Base64 of the raw bytes. */
  data: string;
}
export interface TaskFinishedMessage {
  type: 'task-finished';
  taskId: string;
  run: number;
  outcome: TaskOutcome;
  /** Base64 of the retained output (head + tail, see shared/output-buffer.ts). */
  output: string;
  dropped: number;
  startedAt: string | null;
  finishedAt: string;
}
/** The file's final report; re-sent until the control plane answers `file-finish-ack`. */
export interface FileFinishedMessage {
  type: 'file-finished';
  fileId: string;
  outcome: FileOutcome;
  startedAt: string;
  finishedAt: string;
}
export type AgentMessage =
  | FileFinishedMessage
  | HelloMessage
  | RegisterMessage
  | HeartbeatMessage
  | TaskAckMessage
  | TaskStartedMessage
  | TaskOutputMessage
  | TaskFinishedMessage;

// ---- control plane → agent ----
export interface WelcomeMessage { type: 'welcome'; instanceId: string; heartbeatSeconds: number }
export interface RegisteredMessage { type: 'registered'; instanceId: string; secret: string }
export interface RejectedMessage { type: 'rejected'; reason: string }
export interface TaskMessage { type: 'task'; task: TaskSpec }
export interface FinishAckMessage { type: 'finish-ack'; taskId: string; run: number }
/** StopInvocation: kill the run (per its TerminationMode); the agent reports outcome `killed`. */
export interface TaskStopMessage { type: 'task-stop'; taskId: string; run: number }
/** SendFile: write this file (at most once per fileId). */
export interface FileMessage { type: 'file'; file: FileSpec }
export interface FileFinishAckMessage { type: 'file-finish-ack'; fileId: string }
export type ServerMessage = FileMessage | FileFinishAckMessage | WelcomeMessage | RegisteredMessage | RejectedMessage | TaskMessage | FinishAckMessage | TaskStopMessage;

const AGENT_TYPES: ReadonlySet<string> = new Set<AgentMessage['type']>([
  'hello', 'register', 'heartbeat', 'task-ack', 'task-started', 'task-output', 'task-finished',
  'file-finished',
]);
const SERVER_TYPES: ReadonlySet<string> = new Set<ServerMessage['type']>([
  'welcome', 'registered', 'rejected', 'task', 'finish-ack', 'task-stop',
  'file', 'file-finish-ack',
]);

function parseTyped(raw: string, types: ReadonlySet<string>): { type: string } | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && types.has(type) ? (value as { type: string }) : null;
}

/** Parses a frame from an agent; null when it is not a known message. */
export function parseAgentMessage(raw: string): AgentMessage | null {
  return parseTyped(raw, AGENT_TYPES) as AgentMessage | null;
}

/** Parses a frame from the control plane; null when it is not a known message. */
export function parseServerMessage(raw: string): ServerMessage | null {
  return parseTyped(raw, SERVER_TYPES) as ServerMessage | null;
}
