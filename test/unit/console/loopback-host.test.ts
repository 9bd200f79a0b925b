import { describe, expect, it } from 'vitest';
import { isAllowedConsoleHost, isLoopbackAddress } from '../../../controlplane/console/loopback-host.js';

describe('isAllowedConsoleHost', () => {
  it.each(['127.0.0.1:8484', 'localhost:8484', 'LOCALHOST', '[::1]:8484', '127.0.0.2:80', 'localhost'])('answers %s on a loopback server', (host) => {
    expect(isAllowedConsoleHost(host, '127.0.0.1')).toBe(true);
  });

  it.each(['evil.example:8484', 'localhost.evil.example', '127.0.0.1.nip.io:8484', '[::2]:8484', '10.0.0.1:8484', ''])('refuses %s on a loopback server', (host) => {
    expect(isAllowedConsoleHost(host, '127.0.0.1')).toBe(false);
  });

  it('refuses a request without a Host header on a loopback server', () => {
    expect(isAllowedConsoleHost(undefined, 'localhost')).toBe(false);
  });

  it('answers any host when the server deliberately listens beyond loopback', () => {
    expect(isAllowedConsoleHost('casim.internal:8484', '0.0.0.0')).toBe(true);
  });
});

describe('isLoopbackAddress', () => {
  it.each([['127.0.0.1', true], ['::1', true], ['localhost', true], ['0.0.0.0', false], ['::', false], ['192.168.1.2', false]])('%s → %s', (host, expected) => {
    expect(isLoopbackAddress(host)).toBe(expected);
  });
});
