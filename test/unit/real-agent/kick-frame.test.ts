import { describe, expect, it } from 'vitest';
import { kickFrame } from '../../../controlplane/real-agent/kick-frame.js';

describe('kick frames (spec §3.4)', () => {
  it.each([
    [{ kind: 'task-run', id: 't-1.mi-2' } as const, 'kick_vm task run t-1.mi-2'],
    [{ kind: 'task-stop', id: 't-1.mi-2' } as const, 'kick_vm task stop t-1.mi-2'],
    [{ kind: 'file-create', id: 'f-1.mi-2' } as const, 'kick_vm file create f-1.mi-2'],
    [{ kind: 'noop' } as const, 'kick_vm noop'],
  ])('%j → %s', (kick, frame) => {
    expect(kickFrame(kick)).toBe(frame);
    expect(frame.split(' ').every((word) => word.length > 0)).toBe(true);
  });

  it.each(['', 'two words', 'trailing ', 'tab\there'])('never builds a frame with id %j (a short frame deafens the channel)', (id) => {
    expect(() => kickFrame({ kind: 'task-run', id })).toThrow(RangeError);
  });
});
