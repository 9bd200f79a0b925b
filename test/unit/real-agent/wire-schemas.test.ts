import { describe, expect, it } from 'vitest';
import { FinishQuerySchema, HeartbeatQuerySchema, queryObject, RunningQuerySchema, TaskListQuerySchema } from '../../../controlplane/real-agent/wire-schemas.js';

const values = (query: string): Record<string, string> => {
  const parsed = queryObject(new URLSearchParams(query));
  if (!parsed.ok) throw new Error(`duplicate ${parsed.duplicate}`);
  return parsed.values;
};

describe('query schemas of the real agent\'s requests', () => {
  it('reads the observed queries (Appendix A)', () => {
    expect(FinishQuerySchema.parse(values('taskId=t-probe-ok&invokeVersion=0&start=1796107611616&end=1796107611830&exitCode=0&dropped=0'))).toEqual({
      taskId: 't-probe-ok', invokeVersion: 0, start: 1796107611616, end: 1796107611830, exitCode: 0, dropped: 0,
    });
    expect(HeartbeatQuerySchema.parse(values('uptime=1746000&timestamp=1796107608608&pid=31292&process_uptime=104&index=0&seq_no=0&virt_type=kvm&os_version=Linux_%231+SMP+PREEMPT_DYNAMIC+%400_x86_64&az=unknown&machineid=3d12&cold_start=true'))).toMatchObject({
      index: 0, cold_start: true, os_version: 'Linux_#1 SMP PREEMPT_DYNAMIC @0_x86_64',
    });
    expect(TaskListQuerySchema.parse(values('reason=kickoff&taskId=t-probe-min2&currentTime=1796108191362&offset=0&timeZone=Etc%2FUTC'))).toMatchObject({ reason: 'kickoff', taskId: 't-probe-min2', timeZone: 'Etc/UTC' });
  });

  it.each([
    ['a time beyond what a Date holds', RunningQuerySchema, 'taskId=t-1&invokeVersion=1&start=9999999999999999'],
    ['an exit code beyond 32 bits', FinishQuerySchema, 'taskId=t-1&invokeVersion=1&start=1&end=2&exitCode=99999999999&dropped=0'],
    ['an invokeVersion beyond a run number', RunningQuerySchema, 'taskId=t-1&invokeVersion=3000000000&start=1'],
    ['a negative dropped', FinishQuerySchema, 'taskId=t-1&invokeVersion=1&start=1&end=2&exitCode=0&dropped=-1'],
    ['a missing taskId', RunningQuerySchema, 'invokeVersion=1&start=1'],
    ['a taskId with a space', RunningQuerySchema, 'taskId=t+1&invokeVersion=1&start=1'],
    ['cold_start that is not a bool', TaskListQuerySchema, 'reason=startup&cold_start=yes'],
  ] as const)('refuses %s', (_name, schema, query) => {
    expect(schema.safeParse(values(query)).success).toBe(false);
  });

  it('refuses a repeated key instead of picking one', () => {
    expect(queryObject(new URLSearchParams('taskId=a&taskId=b'))).toEqual({ ok: false, duplicate: 'taskId' });
  });
});
