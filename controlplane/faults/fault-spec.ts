import { z } from 'zod';
import { API_ERRORS, type ApiErrorCode } from '../api/errors.js';

/**
 * What a fault is, as the admin endpoint accepts it (POST /casim/admin/faults): one schema (zod)
 * that is both the runtime check of hostile input and the TypeScript type. Unknown keys are
 * refused, numbers are bounded, and an error code must be one of the catalog's.
 *
 * Two families, by what they match:
 * - API faults match calls: `action`, `regionId`, `accessKeyId` (each optional: absent = any).
 * - Instance faults match instances: `instanceIds`, or `tag` (key, optional value); neither = all.
 *
 * How long a fault lasts: `count` (it fires that many times, then is gone) and/or `ttlSeconds`
 * (it is gone that long after it was added); neither = until it is removed. `probability`
 * (default 1) is the chance that one occasion fires it. Faults that are a state rather than an
 * event (agent-offline, clock-skew) take no count or probability: they hold until removed or
 * expired.
 */
export const API_FAULT_KINDS = ['api-error', 'api-latency'] as const;
export const EVENT_INSTANCE_FAULT_KINDS = [
  'delivery-delay', 'delivery-loss', 'slow-start', 'agent-crash', 'instance-stop', 'instance-reboot', 'output-cut', 'exit-code',
] as const;
export const STATE_INSTANCE_FAULT_KINDS = ['agent-offline', 'clock-skew'] as const;
export const FAULT_KINDS = [...API_FAULT_KINDS, ...EVENT_INSTANCE_FAULT_KINDS, ...STATE_INSTANCE_FAULT_KINDS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type ApiFaultKind = (typeof API_FAULT_KINDS)[number];
export type InstanceFaultKind = Exclude<FaultKind, ApiFaultKind>;

/** Longest delay a fault may add (one day): a bound on hostile input, not a rule of the cloud. */
const MAX_DELAY_SECONDS = 86_400;
const name = z.string().min(1).max(128).regex(/^[\w.\-:]+$/);

const lasting = {
  count: z.number().int().min(1).max(1_000_000).optional(),
  ttlSeconds: z.number().positive().max(30 * 86_400).optional(),
  probability: z.number().min(0).max(1).optional(),
};
const holding = { ttlSeconds: lasting.ttlSeconds };

const apiScope = { action: name.optional(), regionId: name.optional(), accessKeyId: name.optional() };
const instanceScope = {
  instanceIds: z.array(name).min(1).max(100).optional(),
  tag: z.strictObject({ key: z.string().min(1).max(128), value: z.string().max(128).optional() }).optional(),
};

const CATALOG_CODES = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];
const seconds = z.number().min(0).max(MAX_DELAY_SECONDS);

export const FaultInputSchema = z
  .discriminatedUnion('kind', [
    /** Answers the call with this catalogued error (status, Code, Message as the catalog says). */
    z.strictObject({ kind: z.literal('api-error'), ...apiScope, ...lasting, code: z.enum(CATALOG_CODES) }),
    /** Holds the call this long before it is handled. */
    z.strictObject({ kind: z.literal('api-latency'), ...apiScope, ...lasting, latencyMs: z.number().int().min(0).max(MAX_DELAY_SECONDS * 1000) }),
    /** CloudAssistantStatus false; nothing reaches the agent or comes from it; new work Aborted / ClientNotRunning after the delivery window. */
    z.strictObject({ kind: z.literal('agent-offline'), ...instanceScope, ...holding }),
    /** Each push of a task reaches the agent this much later (past the window: DeliveryTimeout). */
    z.strictObject({ kind: z.literal('delivery-delay'), ...instanceScope, ...lasting, seconds }),
    /** The task is never pushed while the fault lasts: Aborted / DeliveryTimeout after the window. */
    z.strictObject({ kind: z.literal('delivery-loss'), ...instanceScope, ...lasting }),
    /** The task is delivered at once but starts this much later (Pending, delivered, then Running). */
    z.strictObject({ kind: z.literal('slow-start'), ...instanceScope, ...lasting, seconds }),
    /** This long after a run starts its agent "crashes": the process tree is killed, Error / ExecutionInterrupted. */
    z.strictObject({ kind: z.literal('agent-crash'), ...instanceScope, ...lasting, afterSeconds: seconds.optional() }),
    /** This long after a run starts its instance is stopped (StopInstance): Error / ExecutionInterrupted. */
    z.strictObject({ kind: z.literal('instance-stop'), ...instanceScope, ...lasting, afterSeconds: seconds.optional() }),
    /** This long after a run starts its instance reboots (RebootInstance): Error / ExecutionInterrupted. */
    z.strictObject({ kind: z.literal('instance-reboot'), ...instanceScope, ...lasting, afterSeconds: seconds.optional() }),
    /** The run's Output keeps only its first `keepBytes` bytes; Dropped counts the rest. */
    z.strictObject({ kind: z.literal('output-cut'), ...instanceScope, ...lasting, keepBytes: z.number().int().min(0).max(24_576) }),
    /** A script that exited reports this exit code instead (0: Success; other: Failed / ExitCodeNonzero). */
    z.strictObject({ kind: z.literal('exit-code'), ...instanceScope, ...lasting, exitCode: z.number().int().min(0).max(255) }),
    /** The instance's clock runs this many seconds ahead (negative: behind): its schedules fire that much earlier (later). */
    z.strictObject({ kind: z.literal('clock-skew'), ...instanceScope, ...holding, seconds: z.number().int().min(-MAX_DELAY_SECONDS).max(MAX_DELAY_SECONDS) }),
  ]);
export type FaultInput = z.infer<typeof FaultInputSchema>;
export type FaultOf<K extends FaultKind> = Fault & { spec: Extract<FaultInput, { kind: K }> };

/** A fault as the registry keeps and lists it. */
export interface Fault {
  /** `flt-…` */
  readonly id: string;
  readonly spec: FaultInput;
  /** API-formatted creation time. */
  readonly createdTime: string;
  /** Epoch ms after which it is gone; null = no expiry. */
  readonly expiresAtMs: number | null;
  /** Times it may still fire; null = unlimited. */
  remaining: number | null;
  /** Times it fired. */
  fired: number;
}

export type ParsedFault = { ok: true; spec: FaultInput } | { ok: false; reason: string };

/** Validates a hostile admin body; the reason names the first problem (path: message). */
export function parseFaultInput(value: unknown): ParsedFault {
  const result = FaultInputSchema.safeParse(value);
  if (result.success) return { ok: true, spec: result.data };
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, reason: `${path}${issue?.message ?? 'invalid'}`.slice(0, 300) };
}

export function isApiFault(spec: FaultInput): spec is Extract<FaultInput, { kind: ApiFaultKind }> {
  return (API_FAULT_KINDS as readonly string[]).includes(spec.kind);
}
