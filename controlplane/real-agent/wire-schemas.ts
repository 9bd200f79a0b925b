import { z } from 'zod';
import { openRecord } from '../../shared/open-record.js';

/**
 * Schemas of everything the real agent sends (spec/real-agent-protocol.md §2–§4): the signed
 * headers, the register body, the query strings of heartbeat, task/list and every report verb.
 * Every inbound request is hostile until it passed one of these; a failure is answered with an
 * error, never thrown further.
 */
const digits = (max: number) => z.string().regex(new RegExp(`^\\d{1,${max}}$`)).transform(Number);
const signedInt = z.string().regex(/^-?\d{1,12}$/).transform(Number);
/** Epoch milliseconds a Date can hold (0 = "never started" in the reports). */
const epochMs = digits(16).refine((ms) => ms <= 8_640_000_000_000_000, 'not a time');
/** An exit code as casim's protocol takes it (a signed or unsigned 32-bit value). */
const exitCode = signedInt.refine((code) => code >= -(2 ** 31) && code <= 2 ** 32 - 1, 'not an exit code');
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
/** Task and file ids: the control plane's own `<invokeId>.<instanceId>` (and no spaces, §3.4). */
export const WireId = z.string().min(1).max(160).regex(/^[\w.\-#:/]+$/);

export const SignedHeadersSchema = z.object({
  'x-acs-instance-id': WireId,
  'x-acs-timestamp': z.string().min(1).max(20),
  'x-acs-request-id': z.string().min(1).max(64).regex(/^[\w-]+$/),
  'x-acs-signature': z.string().min(1).max(2048),
});

export const RegisterBodySchema = z.object({
  activationCode: z.string().min(1).max(256),
  activationId: z.string().min(1).max(128),
  machineId: z.string().min(1).max(128),
  publicKey: z.string().min(1).max(16_384).regex(/^[A-Za-z0-9+/]+={0,2}$/),
  regionId: z.string().max(64).optional(),
  instanceName: z.string().max(128).optional(),
  hostname: z.string().max(255).optional(),
  intranetIp: z.string().max(64).optional(),
  osVersion: z.string().max(256).optional(),
  osType: z.string().max(32).optional(),
  agentVersion: z.string().max(64).optional(),
  tag: z.array(z.object({ key: z.string().max(128), value: z.string().max(128) })).max(20).nullable().optional(),
});
export type RegisterBody = z.infer<typeof RegisterBodySchema>;

export const HeartbeatQuerySchema = z.object({
  uptime: digits(16),
  timestamp: digits(16),
  pid: digits(10),
  process_uptime: digits(16),
  index: digits(12),
  seq_no: digits(12),
  virt_type: z.string().max(32).optional(),
  os_version: z.string().max(256).optional(),
  az: z.string().max(128).optional(),
  machineid: z.string().max(128).optional(),
  cold_start: flag.optional(),
  app_version: z.string().max(64).optional(),
});
export type HeartbeatQuery = z.infer<typeof HeartbeatQuerySchema>;

export const TaskListQuerySchema = z.object({
  reason: z.enum(['startup', 'kickoff']),
  cold_start: flag.optional(),
  taskId: WireId.optional(),
  currentTime: digits(16).optional(),
  offset: signedInt.optional(),
  timeZone: z.string().max(64).optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuerySchema>;

const taskRef = { taskId: WireId, invokeVersion: digits(10).refine((n) => n <= 2 ** 31 - 1, 'too large') };
const span = { start: epochMs, end: epochMs, dropped: digits(15) };
/** Periodic end reports add wall-clock keys (§3.6); casim sends none, but they are allowed. */
const wallClock = { currentTime: digits(16).optional(), offset: signedInt.optional(), timeZone: z.string().max(64).optional() };
const container = { containerId: z.string().max(256).optional(), containerName: z.string().max(256).optional() };

export const RunningQuerySchema = z.object({ ...taskRef, start: epochMs, ...wallClock, ...container });
export const FinishQuerySchema = z.object({ ...taskRef, ...span, exitCode, ...wallClock, ...container });
export const ErrorQuerySchema = z.object({
  ...taskRef,
  ...span,
  exitCode,
  errCode: z.string().max(64).optional(),
  errDesc: z.string().max(1024).optional(),
  ...wallClock,
  ...container,
});
export const InvalidQuerySchema = z.object({ ...taskRef, param: z.string().max(256), value: z.string().max(4096), ...container });
export const VerifiedQuerySchema = z.object({ ...taskRef, ...container });
export const StoppedQuerySchema = z.object({ ...taskRef, ...span, exitcode: exitCode, result: z.enum(['killed', 'completed']), ...wallClock, ...container });

export const FileFinishQuerySchema = z.object({
  taskId: WireId,
  taskType: z.literal('sendfile'),
  status: z.enum(['Success', 'Failed']),
  errorcode: signedInt,
});
export const FileInvalidQuerySchema = z.object({ taskId: WireId, taskType: z.literal('sendfile'), param: z.string().max(256), value: z.string().max(4096) });

export const REPORT_VERBS = ['running', 'finish', 'timeout', 'error', 'invalid', 'verified', 'stopped'] as const;
export type ReportVerb = (typeof REPORT_VERBS)[number];

/** A query string as an object: the first value of each key (a repeated key is refused). */
export function queryObject(search: URLSearchParams): { ok: true; values: Record<string, string> } | { ok: false; duplicate: string } {
  const values = openRecord<string>();
  for (const [key, value] of search) {
    if (Object.hasOwn(values, key)) return { ok: false, duplicate: key };
    values[key] = value;
  }
  return { ok: true, values };
}
