import { describe, expect, it } from 'vitest';
import { NonceCache } from '../../../controlplane/auth/nonce-cache.js';

const t0 = new Date('2026-11-22T10:36:40Z');
const later = (ms: number): Date => new Date(t0.getTime() + ms);
const MINUTE = 60_000;

describe('NonceCache', () => {
  it('accepts a nonce once and refuses it the second time', () => {
    const cache = new NonceCache();
    expect(cache.checkAndRemember('AK', 'n1', t0)).toBe(true);
    expect(cache.checkAndRemember('AK', 'n1', later(1000))).toBe(false);
  });

  it('keeps nonces of different AccessKeyIds apart', () => {
    const cache = new NonceCache();
    expect(cache.checkAndRemember('AK1', 'n', t0)).toBe(true);
    expect(cache.checkAndRemember('AK2', 'n', t0)).toBe(true);
  });

  it('does not confuse keys whose concatenation is equal', () => {
    const cache = new NonceCache();
    expect(cache.checkAndRemember('AK', 'xn', t0)).toBe(true);
    expect(cache.checkAndRemember('AKx', 'n', t0)).toBe(true);
  });

  it('forgets a nonce after 15 minutes and prunes it', () => {
    const cache = new NonceCache();
    cache.checkAndRemember('AK', 'n1', t0);
    expect(cache.checkAndRemember('AK', 'n1', later(15 * MINUTE - 1))).toBe(false);
    expect(cache.checkAndRemember('AK', 'n2', later(15 * MINUTE + 1))).toBe(true);
    expect(cache.size).toBe(1);
    expect(cache.checkAndRemember('AK', 'n1', later(15 * MINUTE + 2))).toBe(true);
  });

  it('remembers the nonce of a request dated ahead of now until that time + 15 minutes', () => {
    const cache = new NonceCache();
    cache.checkAndRemember('AK', 'n', t0, later(10 * MINUTE));
    expect(cache.checkAndRemember('AK', 'n', later(20 * MINUTE))).toBe(false);
    expect(cache.checkAndRemember('AK', 'n', later(25 * MINUTE + 1))).toBe(true);
  });

  it('bounds its memory by dropping the oldest nonces', () => {
    const cache = new NonceCache({ maxEntries: 3 });
    for (const nonce of ['a', 'b', 'c', 'd']) expect(cache.checkAndRemember('AK', nonce, t0)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.checkAndRemember('AK', 'd', t0)).toBe(false);
    expect(cache.checkAndRemember('AK', 'a', t0)).toBe(true);
  });

  it('honours a custom TTL', () => {
    const cache = new NonceCache({ ttlMs: 1000 });
    cache.checkAndRemember('AK', 'n', t0);
    expect(cache.checkAndRemember('AK', 'n', later(999))).toBe(false);
    expect(cache.checkAndRemember('AK', 'n', later(1000))).toBe(true);
  });
});
