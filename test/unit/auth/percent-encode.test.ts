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

  it('writes the UTF-8 bytes of any string, lone surrogates included (both of its paths)', () => {
    const byBytes = (value: string): string =>
      [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
    // Code units picked to hit ASCII, 2- and 3-byte sequences, pairs and lone halves.
    const units = [0x41, 0x20, 0x2a, 0x7e, 0x25, 0xe9, 0x4e2d, 0xd83d, 0xde00, 0xd800, 0xdfff];
    for (let n = 0; n < 500; n += 1) {
      const value = String.fromCharCode(...Array.from({ length: 1 + (n % 7) }, (_, k) => units[(n * 7 + k * 3 + (n >> 3)) % units.length]!));
      expect(percentEncode(value)).toBe(byBytes(value));
    }
  });

  it('agrees with encodeURIComponent plus the SDK replacements on printable ASCII', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    const sdk = encodeURIComponent(ascii).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    expect(percentEncode(ascii)).toBe(sdk);
  });
});
