import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../agent/backoff.js';

describe('backoffDelay', () => {
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [3, 0, 2000],
    [3, 1, 4000],
    [20, 1, 30_000],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, 500, 30_000, () => random)).toBe(expected);
  });
});
