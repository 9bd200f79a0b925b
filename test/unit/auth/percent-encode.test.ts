import { describe, expect, it } from 'vitest';
import { percentEncode } from '../../../controlplane/auth/percent-encode.js';

describe('percentEncode', () => {
  it.each([
    ['unreserved characters', 'AZaz09-_.~', 'AZaz09-_.~'],
    ['a space as %20, never +', 'a b', 'a%20b'],
    ['* as %2A', '*', '%2A'],
    ["! ' ( ) which encodeURIComponent leaves raw", "!'()", '%21%27%28%29'],
    ['reserved delimiters', '/+=&?#:', '%2F%2B%3D%26%3F%23%3A'],
    ['% itself', '100%', '100%25'],
    ['control characters', '\n\t', '%0A%09'],
    ['UTF-8 bytes in upper-case hex', '中文é', '%E4%B8%AD%E6%96%87%C3%A9'],
    ['characters outside the BMP', '😀', '%F0%9F%98%80'],
    ['the empty string', '', ''],
  ])('encodes %s', (_label, input, expected) => {
    expect(percentEncode(input)).toBe(expected);
  });

  it('encodes a lone surrogate as U+FFFD instead of throwing', () => {
    expect(percentEncode('a\uD800b')).toBe('a%EF%BF%BDb');
  });

  it('agrees with encodeURIComponent plus the SDK replacements on printable ASCII', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    const sdk = encodeURIComponent(ascii).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    expect(percentEncode(ascii)).toBe(sdk);
  });
});
