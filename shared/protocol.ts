import { z } from 'zod';
import { MAX_OUTPUT_CHUNK_BYTES, MAX_REPORTED_OUTPUT_BYTES } from './protocol-constants.js';

/**
 * The WebSocket protocol between the control plane (`/agent`) and an agent.
 * JSON text frames, one message per frame, each with a `type` discriminator.
 *
 * Every frame is hostile until it has passed its schema (zod: the schemas below are the single
 * source of both the runtime check and the TypeScript types, so the two cannot drift). A frame
 * that does not parse, is too large, or fails its schema is a protocol error: the receiver closes
 * the socket with PROTOCOL_ERROR_CLOSE and touches nothing else.
 *
 * Delivery is at-least-once in both directions and idempotent at the receiver:
 * - control plane → agent: `task` is re-pushed until the agent answers `task-ack`, or its
 *   `task-started` or `task-finished` for that run, which stand for the ack: an agent that starts
 *   the task at once sends the start alone, one whose start is delayed (a container, a slow
 *   check) sends `task-ack` first;
 * - agent → control plane: `task-started` until `started-ack`, `task-output` until an
 *   `output-ack` covers its seq (cumulative), `task-finished` until `finish-ack`,
 *   `file-finished` until `file-finish-ack`. A `finish-ack` covers the run's start and output
 *   too: when the run's start and final report are stored in the same commit (a fast run), the
 *   control plane sends only the `finish-ack`. An ack is sent only after the state it confirms
 *   is durable on the control plane.
 * Receivers de-duplicate by (taskId, run[, seq]). What each ack covers: shared/ack-rules.ts.
 *
 * Per fast task (it starts and ends at once): `task` →, ← `task-started` + `task-finished`,
 * `finish-ack` →.
 */
export { AGENT_PATH, CLOSE_CODES, MAX_AGENT_FRAME_BYTES, MAX_OUTPUT_CHUNK_BYTES, MAX_REPORTED_OUTPUT_BYTES, MAX_SERVER_FRAME_BYTES, PROTOCOL_VERSION } from './protocol-constants.js';

const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const id = z.string().min(1).max(160).regex(/^[\w.\-#:/]+$/);
const text = (max: number) => z.string().max(max);
const runNumber = z.number().int().min(0).max(2 ** 31 - 1);
const base64 = (maxBytes: number) => z.string().max(base64Length(maxBytes)).regex(BASE64);
/** An instant as the agents write it (`Date#toISOString`, or with an offset), in years 1970 to 9999. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const LATEST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const isoTime = z
  .string()
  .max(40)
  .regex(ISO_INSTANT)
  // Far enough from JavaScript's last date that the control plane's arithmetic on it (its
  // simulated clock's offset, StartTime + Timeout) stays a date.
  .refine((value) => {
    const ms = Date.parse(value);
    return ms >= 0 && ms <= LATEST_INSTANT_MS;
  }, 'not a date from 1970 to 9999');

export const TERMINATION_MODES = ['Process', 'ProcessTree'] as const;
export type TerminationMode = (typeof TERMINATION_MODES)[number];

/** What the control plane asks an agent to run: parameters already substituted. */
export const TaskSpecSchema = z.object({
  /** Unique per (invocation, instance). */
  taskId: id,
  /** 1 for a Once task; increases per run of a periodic task. */
  run: runNumber,
  invokeId: id,
  commandId: id,
  commandName: text(1024),
  type: z.literal('RunShellScript'),
  /** The script text (UTF-8) after custom-parameter substitution. */
  script: z.string().max(1024 * 1024),
  workingDir: text(4096),
  username: text(256),
  timeoutSeconds: z.number().int().min(0).max(2 ** 31 - 1),
  terminationMode: z.enum(TERMINATION_MODES),
  /** Runs the script file, e.g. `python3 -u {{ACS::ScriptFileName|Ext(".py")}}`; empty = the file itself. */
  launcher: text(4096).optional(),
  /** RepeatMode=DryRun: run the pre-checks (user, directory, container) only. */
  dryRun: z.boolean().optional(),
  /**
   * Run the script inside this container on the instance (agent/runner/container-runner.ts):
   * the ContainerId as the user gave it (64 hex digits, maybe `docker://`, `containerd://` or
   * `cri-o://`: the agent strips the prefix, as the real one does). Username, WorkingDir and
   * Launcher are then ignored. Absent or empty = run on the instance itself.
   */
  containerId: text(256).optional(),
  /** The container's name (see containerId); with both, they must name the same container. */
  containerName: text(256).optional(),
});
export type TaskSpec = z.infer<typeof TaskSpecSchema>;

/** Why a script could not be started: raw facts, mapped to public codes by the control plane. */
export const NOT_STARTED_REASONS = [
  'account-not-exists', 'directory-not-exists', 'exception',
  // Container tasks (spec/reference-agent.md §1.9, the agent's container validation errors):
  'container-not-found', 'container-not-running', 'container-mismatch', 'container-connect-failed', 'container-runtime-error',
] as const;
export type NotStartedReason = (typeof NOT_STARTED_REASONS)[number];

/** SendFile: one file to write on one instance (spec §14). */
export const FileSpecSchema = z.object({
  /** Unique per (file invocation, instance). */
  fileId: id,
  invokeId: id,
  /** The file's name in targetDir: the agent refuses one with `/` or a bare `.`/`..`. */
  name: text(1024),
  /** Absolute; created with its parents when missing. */
  targetDir: text(4096),
  /** Base64 of the file's bytes (already decoded from the API's ContentType). */
  content: base64(2 * 1024 * 1024),
  owner: text(256),
  group: text(256),
  /** chmod-style octal, e.g. `0644`. */
  mode: text(16),
  overwrite: z.boolean(),
  timeoutSeconds: z.number().int().min(0).max(2 ** 31 - 1),
});
export type FileSpec = z.infer<typeof FileSpecSchema>;

/** Why a file was not written: raw facts, mapped to public codes by the control plane. */
export const FILE_FAILURE_REASONS = [
  'file-exists', 'owner-not-exists', 'group-not-exists', 'path-invalid', 'name-invalid', 'mode-invalid',
  'authority-failed', 'create-failed',
] as const;
export type FileFailureReason = (typeof FILE_FAILURE_REASONS)[number];

const FileOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('written') }),
  z.object({ kind: z.literal('failed'), reason: z.enum(FILE_FAILURE_REASONS), detail: text(4096) }),
]);
export type FileOutcome = z.infer<typeof FileOutcomeSchema>;

/** The raw fact of how a run ended. */
const TaskOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exited'), exitCode: z.number().int().min(-(2 ** 31)).max(2 ** 32 - 1) }),
  z.object({ kind: z.literal('timed-out') }),
  z.object({ kind: z.literal('killed') }),
  /** The agent restarted while the script ran: it is reported once the agent is back. */
  z.object({ kind: z.literal('interrupted') }),
  /** RepeatMode=DryRun: every pre-check passed; nothing was executed. */
  z.object({ kind: z.literal('checks-passed') }),
  z.object({ kind: z.literal('not-started'), reason: z.enum(NOT_STARTED_REASONS), detail: text(4096) }),
]);
export type TaskOutcome = z.infer<typeof TaskOutcomeSchema>;

// ---- agent → control plane ----
/** What the agent's machine is (agent/machine-facts.ts); every field optional. */
export const MachineFactsSchema = z.object({
  osName: text(128).optional(),
  osVersion: text(256).optional(),
  kernel: text(128).optional(),
  hostname: text(255).optional(),
  ipAddresses: z.array(z.string().max(64)).max(64).optional(),
  cpuModel: text(256).optional(),
  cpuCores: z.number().int().min(0).max(100_000).optional(),
  memoryBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type MachineFacts = z.infer<typeof MachineFactsSchema>;

const agentFacts = {
  agentVersion: text(64),
  hostname: text(255),
  osType: z.literal('Linux'),
  machine: MachineFactsSchema.optional(),
};
const HelloSchema = z.object({
  type: z.literal('hello'),
  /** Checked after parsing, so that another version gets a clear `rejected`. */
  protocol: z.number().int(),
  instanceId: id,
  secret: z.string().min(1).max(256),
  ...agentFacts,
  /** First start of the agent since the machine booted (reboot-triggered tasks run then). */
  coldStart: z.boolean().optional(),
  /** The machine's IANA time zone: cron schedules without a zone use it. */
  timeZone: text(64).optional(),
});
const RegisterSchema = z.object({
  type: z.literal('register'),
  protocol: z.number().int(),
  activationId: z.string().min(1).max(128),
  activationCode: z.string().min(1).max(256),
  ...agentFacts,
  instanceName: text(128).optional(),
});
const HeartbeatSchema = z.object({ type: z.literal('heartbeat') });
const TaskAckSchema = z.object({ type: z.literal('task-ack'), taskId: id, run: runNumber });
const TaskStartedSchema = z.object({ type: z.literal('task-started'), taskId: id, run: runNumber, startedAt: isoTime });
const TaskOutputSchema = z.object({
  type: z.literal('task-output'),
  taskId: id,
  run: runNumber,
  /** 0-based, consecutive per (taskId, run). */
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Base64 of the raw bytes. */
  data: base64(MAX_OUTPUT_CHUNK_BYTES),
  /** Output bytes not streamed just before this chunk (the agent's send window was full). */
  skipped: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
const TaskFinishedSchema = z.object({
  type: z.literal('task-finished'),
  taskId: id,
  run: runNumber,
  outcome: TaskOutcomeSchema,
  /** Base64 of the retained output (head + tail, see shared/output-buffer.ts). */
  output: base64(MAX_REPORTED_OUTPUT_BYTES),
  dropped: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  startedAt: isoTime.nullable(),
  finishedAt: isoTime,
});
/** The file's final report; re-sent until the control plane answers `file-finish-ack`. */
const FileFinishedSchema = z.object({
  type: z.literal('file-finished'),
  fileId: id,
  outcome: FileOutcomeSchema,
  startedAt: isoTime,
  finishedAt: isoTime,
});

export const AgentMessageSchema = z.discriminatedUnion('type', [
  HelloSchema, RegisterSchema, HeartbeatSchema, TaskAckSchema, TaskStartedSchema, TaskOutputSchema, TaskFinishedSchema, FileFinishedSchema,
]);
export type AgentMessage = z.infer<typeof AgentMessageSchema>;
export type HelloMessage = z.infer<typeof HelloSchema>;
export type RegisterMessage = z.infer<typeof RegisterSchema>;
export type TaskStartedMessage = z.infer<typeof TaskStartedSchema>;
export type TaskOutputMessage = z.infer<typeof TaskOutputSchema>;
export type TaskFinishedMessage = z.infer<typeof TaskFinishedSchema>;
export type FileFinishedMessage = z.infer<typeof FileFinishedSchema>;

// ---- control plane → agent ----
const taskRef = { taskId: id, run: runNumber };
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), instanceId: id, heartbeatSeconds: z.number().int().min(1).max(3600) }),
  z.object({ type: z.literal('registered'), instanceId: id, secret: z.string().min(1).max(256) }),
  z.object({ type: z.literal('rejected'), reason: text(1024) }),
  z.object({ type: z.literal('task'), task: TaskSpecSchema }),
  /** The run's start is stored. */
  z.object({ type: z.literal('started-ack'), ...taskRef }),
  /** Every output chunk up to and including `seq` is stored. */
  z.object({ type: z.literal('output-ack'), ...taskRef, seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  /** The final report is stored. */
  z.object({ type: z.literal('finish-ack'), ...taskRef }),
  /** StopInvocation: kill the run (per its TerminationMode); the agent reports outcome `killed`. */
  z.object({ type: z.literal('task-stop'), ...taskRef }),
  /** SendFile: write this file (at most once per fileId). */
  z.object({ type: z.literal('file'), file: FileSpecSchema }),
  z.object({ type: z.literal('file-finish-ack'), fileId: id }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

export type ParsedFrame<T> = { ok: true; message: T } | { ok: false; reason: string };

function parseFrame<T>(raw: string, schema: z.ZodType<T>): ParsedFrame<T> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: issue ? `${issue.path.join('.') || '(frame)'}: ${issue.message}` : 'invalid' };
}

/** Parses and validates a frame from an agent. */
export function parseAgentMessage(raw: string): ParsedFrame<AgentMessage> {
  return parseFrame(raw, AgentMessageSchema);
}

/** Parses and validates a frame from the control plane. */
export function parseServerMessage(raw: string): ParsedFrame<ServerMessage> {
  return parseFrame(raw, ServerMessageSchema);
}
