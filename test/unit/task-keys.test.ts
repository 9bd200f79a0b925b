import { describe, expect, it } from 'vitest';
import { invokeIdOf, runKeyOf, taskIdOf } from '../../shared/task-keys.js';

describe('task keys', () => {
  it.each([
    ['t-abc', 'i-1', 't-abc.i-1'],
    ['t-a.b', 'mi-2', 't-a.b.mi-2'],
  ])('taskIdOf(%s, %s) = %s and parses back', (invokeId, instanceId, taskId) => {
    expect(taskIdOf(invokeId, instanceId)).toBe(taskId);
    expect(invokeIdOf(taskId, instanceId)).toBe(invokeId);
  });

  it.each([
    ['t-abc.i-1', 'i-2', 'another instance'],
    ['.i-1', 'i-1', 'no invokeId'],
    ['t-abci-1', 'i-1', 'no separator'],
    ['i-1', 'i-1', 'the instance id alone'],
  ])('refuses %s reported by %s (%s)', (taskId, instanceId) => {
    expect(invokeIdOf(taskId, instanceId)).toBeUndefined();
  });

  it('names a run of a task', () => {
    expect(runKeyOf('t-abc.i-1', 3)).toBe('t-abc.i-1#3');
  });
});
