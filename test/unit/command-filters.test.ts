import { describe, expect, it } from 'vitest';
import { requestFingerprint } from '../../controlplane/api/idempotency.js';
import { wildcardMatch } from '../../controlplane/api/handlers/commands.js';

describe('wildcardMatch (DescribeCommands Name/Description, spec §9)', () => {
  it.each([
    ['test*', 'test-1', true],
    ['*test', 'my-test', true],
    ['*test*', 'a test b', true],
    ['test', 'test', true],
    ['test', 'test-1', false],
    ['te.t*', 'test', false],
    ['a*b', 'a\nb', true],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });
});

describe('requestFingerprint', () => {
  it('ignores order and envelope parameters', () => {
    const a = new Map([['Name', 'x'], ['Type', 'y'], ['SignatureNonce', '1'], ['Timestamp', 't1']]);
    const b = new Map([['Type', 'y'], ['Name', 'x'], ['SignatureNonce', '2'], ['Timestamp', 't2']]);
    expect(requestFingerprint(a)).toBe(requestFingerprint(b));
  });
  it('changes when a call parameter changes', () => {
    expect(requestFingerprint(new Map([['Name', 'x']]))).not.toBe(requestFingerprint(new Map([['Name', 'y']])));
  });
});
