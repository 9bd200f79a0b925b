import { describe, expect, it } from 'vitest';
import { apiRateFrom, TokenBucket } from '../../controlplane/api/token-bucket.js';

function bucket(rate: number, burst?: number): { bucket: TokenBucket; advance: (ms: number) => void } {
  let now = 0;
  return { bucket: new TokenBucket(rate, burst, () => now), advance: (ms) => (now += ms) };
}

const takes = (b: TokenBucket, n: number): number => Array.from({ length: n }, () => b.take()).filter(Boolean).length;

describe('TokenBucket', () => {
  it('allows a burst, then refuses until tokens refill at the rate', () => {
    const { bucket: b, advance } = bucket(10);
    expect(takes(b, 15)).toBe(10);
    advance(100);
    expect(takes(b, 5)).toBe(1);
    advance(1000);
    expect(takes(b, 50)).toBe(10);
  });

  it.each([
    [2, 5, 5],
    [100, 1, 1],
    [0.5, undefined, 1],
  ])('rate %d with burst %s takes %d at once', (rate, burst, expected) => {
    expect(takes(bucket(rate, burst).bucket, 1000)).toBe(expected);
  });

  it('never saves more than the burst, however long it is idle', () => {
    const { bucket: b, advance } = bucket(5, 5);
    advance(3_600_000);
    expect(takes(b, 100)).toBe(5);
  });

  it('refuses a zero rate', () => {
    expect(() => new TokenBucket(0)).toThrowError(RangeError);
  });
});

describe('apiRateFrom (CASIM_API_RATE)', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['0', undefined],
    ['100', 100],
    ['2.5', 2.5],
  ])('reads %j as %s', (value, rate) => {
    expect(apiRateFrom(value)).toBe(rate);
  });

  it.each(['-5', 'fast', 'Infinity'])('refuses %j', (value) => {
    expect(() => apiRateFrom(value)).toThrowError(RangeError);
  });
});
