import { describe, expect, it } from 'vitest';
import { powerActionOf } from '../../shared/power-action.js';
import type { TaskOutcome } from '../../shared/protocol.js';

describe('powerActionOf (reference agent §1.9)', () => {
  it.each([
    [{ kind: 'exited', exitCode: 194 }, 'reboot'],
    [{ kind: 'exited', exitCode: 193 }, 'power-off'],
    [{ kind: 'exited', exitCode: 0 }, null],
    [{ kind: 'exited', exitCode: 195 }, null],
    [{ kind: 'timed-out' }, null],
    [{ kind: 'killed' }, null],
  ] as Array<[TaskOutcome, string | null]>)('%j asks for %s', (outcome, action) => {
    expect(powerActionOf(outcome)).toBe(action);
  });
});
