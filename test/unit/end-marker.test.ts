import { describe, expect, it } from 'vitest';
import { EndMarkerScanner } from '../../agent/runner/end-marker.js';

const MARKER = Buffer.from('\u001eEND-42\u001e', 'latin1');

/** Feeds `input` split at `cuts`, then flushes; returns what was passed on and whether the marker was seen. */
function scan(input: Buffer, cuts: number[]): { output: Buffer; found: boolean; foundAfter: number | null } {
  const scanner = new EndMarkerScanner(MARKER);
  const out: Buffer[] = [];
  let previous = 0;
  let foundAfter: number | null = null;
  for (const [i, cut] of [...cuts, input.length].entries()) {
    out.push(scanner.push(input.subarray(previous, cut)));
    if (scanner.found && foundAfter === null) foundAfter = i;
    previous = cut;
  }
  out.push(scanner.flush());
  return { output: Buffer.concat(out), found: scanner.found, foundAfter };
}

describe('EndMarkerScanner', () => {
  it('passes output without a marker through unchanged', () => {
    const input = Buffer.from('hello\nworld\n');
    expect(scan(input, [3, 7])).toEqual({ output: input, found: false, foundAfter: null });
  });

  it('removes the marker and keeps what comes after it', () => {
    const input = Buffer.concat([Buffer.from('before'), MARKER, Buffer.from('after')]);
    const { output, found } = scan(input, []);
    expect(output.toString('latin1')).toBe('beforeafter');
    expect(found).toBe(true);
  });

  it('finds a marker split at every possible point', () => {
    const input = Buffer.concat([Buffer.from('out\n'), MARKER]);
    for (let cut = 0; cut <= input.length; cut++) {
      const { output, found, foundAfter } = scan(input, [cut]);
      expect(output.toString('latin1')).toBe('out\n');
      expect(found).toBe(true);
      expect(foundAfter).toBe(cut >= input.length ? 0 : 1);
    }
  });

  it('finds a marker fed one byte at a time', () => {
    const input = Buffer.concat([Buffer.from('x'), MARKER]);
    const { output, foundAfter } = scan(input, Array.from({ length: input.length - 1 }, (_, i) => i + 1));
    expect(output.toString('latin1')).toBe('x');
    expect(foundAfter).toBe(input.length - 1);
  });

  it('holds back a partial marker and releases it when it turns out not to be one', () => {
    const scanner = new EndMarkerScanner(MARKER);
    expect(scanner.push(Buffer.from('abc\u001eEND', 'latin1')).toString('latin1')).toBe('abc');
    expect(scanner.push(Buffer.from('-43', 'latin1')).toString('latin1')).toBe('\u001eEND-43');
    expect(scanner.found).toBe(false);
    expect(scanner.push(Buffer.from('\u001eE', 'latin1')).toString('latin1')).toBe('');
    expect(scanner.flush().toString('latin1')).toBe('\u001eE');
  });

  it('keeps arbitrary bytes intact around the marker', () => {
    const input = Buffer.concat([Buffer.from([0xff, 0x00, 0x1e]), MARKER, Buffer.from([0x1e, 0xfe])]);
    const { output, found } = scan(input, [2, 5]);
    expect([...output]).toEqual([0xff, 0x00, 0x1e, 0x1e, 0xfe]);
    expect(found).toBe(true);
  });

  it('rejects an empty marker', () => {
    expect(() => new EndMarkerScanner(Buffer.alloc(0))).toThrow(RangeError);
  });
});
