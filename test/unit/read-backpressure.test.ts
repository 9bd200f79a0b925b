import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { ReadBackpressure } from '../../controlplane/hub/read-backpressure.js';

/** The part of a ws socket the rule reads and drives. */
function fakeSocket(bufferedAmount: number) {
  const socket = { OPEN: 1, readyState: 1, bufferedAmount, paused: false, pause: () => void (socket.paused = true), resume: () => void (socket.paused = false) };
  return socket;
}

afterEach(() => vi.useRealTimers());

describe('ReadBackpressure', () => {
  const limits = { pauseAbove: 1000, resumeBelow: 200, recheckMs: 10 };

  it.each([
    [0, false],
    [1000, false],
    [1001, true],
  ])('with %i bytes unsent, pauses reading: %s', (unsent, paused) => {
    const rule = new ReadBackpressure(limits);
    const socket = fakeSocket(unsent);
    rule.check(socket as unknown as WebSocket);
    expect([socket.paused, rule.size]).toEqual([paused, paused ? 1 : 0]);
    rule.forget(socket as unknown as WebSocket);
  });

  /** A socket over the high mark, paused by a fresh rule (fake timers). */
  function pausedSocket() {
    vi.useFakeTimers();
    const rule = new ReadBackpressure(limits);
    const socket = fakeSocket(5000);
    rule.check(socket as unknown as WebSocket);
    return { rule, socket };
  }

  it('reads again once the unsent bytes are below the low mark, not before', () => {
    const { rule, socket } = pausedSocket();
    socket.bufferedAmount = 200;
    vi.advanceTimersByTime(50);
    expect(socket.paused).toBe(true);
    socket.bufferedAmount = 199;
    vi.advanceTimersByTime(10);
    expect([socket.paused, rule.size]).toEqual([false, 0]);
  });

  it('stops watching a socket that closed while paused, without resuming it', () => {
    const { rule, socket } = pausedSocket();
    socket.readyState = 3;
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(10);
    expect([socket.paused, rule.size]).toEqual([true, 0]);
  });
});
