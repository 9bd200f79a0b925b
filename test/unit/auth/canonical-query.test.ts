import { describe, expect, it } from 'vitest';
import { canonicalQueryString } from '../../../controlplane/auth/canonical-query.js';

describe('canonicalQueryString', () => {
  it('sorts by name and percent-encodes names and values', () => {
    expect(canonicalQueryString([['b', 'x y'], ['A', '*'], ['a', '~']])).toBe('A=%2A&a=~&b=x%20y');
  });

  it('writes an empty value as "name="', () => {
    expect(canonicalQueryString([['Description', ''], ['Name', 'n']])).toBe('Description=&Name=n');
  });

  it('sorts repeat-list names by code unit, so InstanceId.10 comes before InstanceId.2', () => {
    expect(canonicalQueryString([['InstanceId.2', 'b'], ['InstanceId.10', 'c'], ['InstanceId.1', 'a']])).toBe(
      'InstanceId.1=a&InstanceId.10=c&InstanceId.2=b',
    );
  });

  it('keeps repeated names in arrival order', () => {
    expect(canonicalQueryString([['k', '2'], ['j', '0'], ['k', '1']])).toBe('j=0&k=2&k=1');
  });

  it('gives the empty string for no parameters', () => {
    expect(canonicalQueryString([])).toBe('');
  });
});
