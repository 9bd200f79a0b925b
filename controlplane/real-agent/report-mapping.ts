import type { z } from 'zod';
import type { NotStartedReason, TaskOutcome } from '../../shared/protocol.js';
import type { ErrorQuerySchema, FinishQuerySchema, InvalidQuerySchema, RunningQuerySchema, StoppedQuerySchema, VerifiedQuerySchema } from './wire-schemas.js';

/**
 * The real agent's report verbs as casim's raw facts (spec/real-agent-protocol.md §3.6, §5):
 * the same `started` / `output` / `finished` events casim's own agent sends, so both feed one
 * run machine. Pure; the gateway applies the result.
 */
export type ReportQuery =
  | { verb: 'running'; query: z.infer<typeof RunningQuerySchema> }
  | { verb: 'finish'; query: z.infer<typeof FinishQuerySchema> }
  | { verb: 'timeout'; query: z.infer<typeof FinishQuerySchema> }
  | { verb: 'error'; query: z.infer<typeof ErrorQuerySchema> }
  | { verb: 'invalid'; query: z.infer<typeof InvalidQuerySchema> }
  | { verb: 'verified'; query: z.infer<typeof VerifiedQuerySchema> }
  | { verb: 'stopped'; query: z.infer<typeof StoppedQuerySchema> };

export type ReportFact =
  /** The script runs (a `sendStart` report or a tick); `chunk` is more output, maybe empty. */
  | { kind: 'running'; taskId: string; run: number; startMs: number; chunk: Buffer }
  /** The run ended; `body` is the output not streamed yet, `dropped` the agent's count. */
  | { kind: 'final'; taskId: string; run: number; outcome: TaskOutcome; startMs: number | null; endMs: number | null; body: Buffer; dropped: number }
  /** Nothing for the run machine (e.g. a periodic schedule ending, which casim never hands out). */
  | { kind: 'ignored'; taskId: string; why: string };

/** `task/invalid`'s `param` → why the script was not started (reference-agent.md §1.7). */
export function invalidReason(param: string): NotStartedReason {
  switch (param) {
    case 'workingDirectory':
      return 'directory-not-exists';
    case 'UsernameOrPasswordInvalid':
      return 'account-not-exists';
    case 'ContainerNotExist':
    case 'ContainerNotFound':
      return 'container-not-found';
    case 'ContainerStateAbnormal':
      return 'container-not-running';
    case 'ContainerNameAndIdNotMatch':
      return 'container-mismatch';
    case 'ContainerConnectFailed':
      return 'container-connect-failed';
    default:
      return 'exception';
  }
}

/** 0 means "never started" in the agent's reports. */
const instant = (ms: number): number | null => (ms > 0 ? ms : null);

export function mapReport(report: ReportQuery, body: Buffer): ReportFact {
  const { taskId, invokeVersion: run } = report.query;
  switch (report.verb) {
    case 'running':
      return { kind: 'running', taskId, run, startMs: report.query.start, chunk: body };
    case 'finish':
    case 'timeout': {
      const { start, end, dropped, exitCode } = report.query;
      const outcome: TaskOutcome = report.verb === 'finish' ? { kind: 'exited', exitCode } : { kind: 'timed-out' };
      return { kind: 'final', taskId, run, outcome, startMs: instant(start), endMs: instant(end), body, dropped };
    }
    case 'error': {
      const { start, end, dropped, errCode, errDesc } = report.query;
      const detail = errCode ? `${errCode}: ${errDesc ?? ''}` : 'failed with no error';
      return { kind: 'final', taskId, run, outcome: { kind: 'not-started', reason: 'exception', detail: detail.slice(0, 4096) }, startMs: instant(start), endMs: instant(end), body, dropped };
    }
    case 'invalid': {
      const { param, value } = report.query;
      const detail = `${param}: ${value}`.slice(0, 4096);
      return { kind: 'final', taskId, run, outcome: { kind: 'not-started', reason: invalidReason(param), detail }, startMs: null, endMs: null, body: Buffer.alloc(0), dropped: 0 };
    }
    case 'verified':
      return { kind: 'final', taskId, run, outcome: { kind: 'checks-passed' }, startMs: null, endMs: null, body: Buffer.alloc(0), dropped: 0 };
    case 'stopped': {
      const { start, end, dropped, result } = report.query;
      if (result === 'completed') return { kind: 'ignored', taskId, why: 'a periodic schedule ended on the agent' };
      return { kind: 'final', taskId, run, outcome: { kind: 'killed' }, startMs: instant(start), endMs: instant(end), body, dropped };
    }
  }
}
