import { describe, expect, it } from 'vitest';
import { invalidReason, mapReport, type ReportFact, type ReportQuery } from '../../../controlplane/real-agent/report-mapping.js';
import { statusOfOutcome } from '../../../controlplane/invocations/outcome-status.js';

const ref = { taskId: 't-1.mi-1', invokeVersion: 2 };
const body = Buffer.from('out\n');
const empty = Buffer.alloc(0);

describe('the real agent\'s report verbs as casim\'s raw facts (spec §3.6)', () => {
  const cases: Array<[string, ReportQuery, Buffer, ReportFact]> = [
    ['running: started, with a chunk', { verb: 'running', query: { ...ref, start: 1000 } }, body, { kind: 'running', taskId: ref.taskId, run: 2, startMs: 1000, chunk: body }],
    ['finish exitCode 0', { verb: 'finish', query: { ...ref, start: 1000, end: 1210, exitCode: 0, dropped: 0 } }, body,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'exited', exitCode: 0 }, startMs: 1000, endMs: 1210, body, dropped: 0 }],
    ['finish exitCode 3', { verb: 'finish', query: { ...ref, start: 1000, end: 1210, exitCode: 3, dropped: 7 } }, body,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'exited', exitCode: 3 }, startMs: 1000, endMs: 1210, body, dropped: 7 }],
    ['timeout', { verb: 'timeout', query: { ...ref, start: 1000, end: 4003, exitCode: 1, dropped: 0 } }, empty,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'timed-out' }, startMs: 1000, endMs: 4003, body: empty, dropped: 0 }],
    ['error -9 before a start', { verb: 'error', query: { ...ref, start: 0, end: 0, exitCode: 0, dropped: 0, errCode: '-9', errDesc: 'ScriptFileExisted: x' } }, empty,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'not-started', reason: 'exception', detail: '-9: ScriptFileExisted: x' }, startMs: null, endMs: null, body: empty, dropped: 0 }],
    ['error without a code ("failed with no error")', { verb: 'error', query: { ...ref, start: 5, end: 9, exitCode: 0, dropped: 0 } }, empty,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'not-started', reason: 'exception', detail: 'failed with no error' }, startMs: 5, endMs: 9, body: empty, dropped: 0 }],
    ['invalid workingDirectory', { verb: 'invalid', query: { ...ref, param: 'workingDirectory', value: 'WorkingDirectoryNotExist: <nil>' } }, empty,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'not-started', reason: 'directory-not-exists', detail: 'workingDirectory: WorkingDirectoryNotExist: <nil>' }, startMs: null, endMs: null, body: empty, dropped: 0 }],
    ['verified', { verb: 'verified', query: ref }, empty,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'checks-passed' }, startMs: null, endMs: null, body: empty, dropped: 0 }],
    ['stopped result=killed', { verb: 'stopped', query: { ...ref, start: 1000, end: 6000, exitcode: 0, dropped: 0, result: 'killed' } }, empty,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'killed' }, startMs: 1000, endMs: 6000, body: empty, dropped: 0 }],
    ['stopped of a task the agent does not know (zeros)', { verb: 'stopped', query: { ...ref, start: 0, end: 0, exitcode: 0, dropped: 0, result: 'killed' } }, empty,
      { kind: 'final', taskId: ref.taskId, run: 2, outcome: { kind: 'killed' }, startMs: null, endMs: null, body: empty, dropped: 0 }],
    ['stopped result=completed (a periodic schedule ending)', { verb: 'stopped', query: { ...ref, start: 1, end: 2, exitcode: 0, dropped: 0, result: 'completed' } }, empty,
      { kind: 'ignored', taskId: ref.taskId, why: 'a periodic schedule ended on the agent' }],
  ];
  it.each(cases)('%s', (_name, report, reportBody, expected) => {
    expect(mapReport(report, reportBody)).toEqual(expected);
  });

  const params: Array<[string, string, string]> = [
    ['workingDirectory', 'directory-not-exists', 'DirectoryNotExists'],
    ['UsernameOrPasswordInvalid', 'account-not-exists', 'AccountNotExists'],
    ['ContainerNotExist', 'container-not-found', 'ContainerNotFound'],
    ['ContainerStateAbnormal', 'container-not-running', 'ContainerStateAbnormal'],
    ['TypeInvalid', 'exception', 'ExecutionException'],
    ['cron', 'exception', 'ExecutionException'],
  ];
  it.each(params)('invalid param %s → %s → ErrorCode %s', (param, reason, code) => {
    expect(invalidReason(param)).toBe(reason);
    const status = statusOfOutcome({ kind: 'not-started', reason: invalidReason(param), detail: '' });
    expect(status.errorCode).toBe(code);
  });
});
