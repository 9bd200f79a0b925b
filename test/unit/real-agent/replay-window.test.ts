import { describe, expect, it } from 'vitest';
import { ReplayWindow } from '../../../controlplane/real-agent/replay-window.js';

describe('ReplayWindow', () => {
  it('admits an id once within the window and forgets it long after', () => {
    const window = new ReplayWindow(1000);
    expect(window.admit('a', 0)).toBe(true);
    expect(window.admit('a', 500)).toBe(false);
    expect(window.admit('b', 500)).toBe(true);
    expect(window.admit('a', 2500)).toBe(true);
  });

  it('keeps at most `limit` ids, dropping the oldest', () => {
    const window = new ReplayWindow(60_000, 2);
    window.admit('a', 0);
    window.admit('b', 1);
    window.admit('c', 2);
    expect(window.admit('a', 3)).toBe(true);
    expect(window.admit('c', 4)).toBe(false);
  });
});
