import { describe, expect, it } from 'vitest';
import { MarkerScanner } from '../../agent/runner/marker-scanner.js';

const MARKER = Buffer.from('\u001eEND-42\u001e', 'latin1');

/** Feeds `input` split at `cuts`, then flushes; returns what was passed on and whether the marker was seen. */
function scan(input: Buffer, cuts: number[], trailerLength = 0): { output: Buffer; found: boolean; foundAfter: number | null; trailer: string | null } {
  const scanner = new MarkerScanner(MARKER, trailerLength);
  const out: Buffer[] = [];
  let previous = 0;
  let foundAfter: number | null = null;
  for (const [i, cut] of [...cuts, input.length].entries()) {
    out.push(scanner.push(input.subarray(previous, cut)));
    if (scanner.found && foundAfter === null) foundAfter = i;
    previous = cut;
  }
  out.push(scanner.flush());
  return { output: Buffer.concat(out), found: scanner.found, foundAfter, trailer: scanner.trailer?.toString('latin1') ?? null };
}

describe('MarkerScanner', () => {
  it('passes output without a marker through unchanged', () => {
    const input = Buffer.from('hello\nworld\n');
    expect(scan(input, [3, 7])).toEqual({ output: input, found: false, foundAfter: null, trailer: null });
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
    const scanner = new MarkerScanner(MARKER);
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

  it('rejects an empty marker and a trailer length that is not a whole number', () => {
    expect(() => new MarkerScanner(Buffer.alloc(0))).toThrow(RangeError);
    expect(() => new MarkerScanner(MARKER, -1)).toThrow(RangeError);
    expect(() => new MarkerScanner(MARKER, 1.5)).toThrow(RangeError);
  });

  it('takes the trailer after the marker out of the output, with the marker split at every possible point', () => {
    const input = Buffer.concat([Buffer.from('out\n'), MARKER, Buffer.from('137after', 'latin1')]);
    for (let cut = 0; cut <= input.length; cut++) {
      const { output, found, trailer } = scan(input, [cut], 3);
      expect(output.toString('latin1')).toBe('out\nafter');
      expect(found).toBe(true);
      expect(trailer).toBe('137');
    }
  });

  it('is not found until the whole trailer has come, and holds the marker back meanwhile', () => {
    const scanner = new MarkerScanner(MARKER, 3);
    expect(scanner.push(Buffer.concat([Buffer.from('a'), MARKER, Buffer.from('0')])).toString('latin1')).toBe('a');
    expect(scanner.found).toBe(false);
    expect(scanner.trailer).toBeNull();
    expect(scanner.push(Buffer.from('4')).length).toBe(0);
    expect(scanner.push(Buffer.from('2b')).toString('latin1')).toBe('b');
    expect(scanner.trailer?.toString('latin1')).toBe('042');
    expect(scanner.push(Buffer.from('c')).toString('latin1')).toBe('c');
  });

  it("drops what follows the marker when told to (the here-doc's newline after the end marker), split at every point", () => {
    const input = Buffer.concat([Buffer.from('out\n'), MARKER, Buffer.from('\nleft-over', 'latin1')]);
    for (let cut = 0; cut <= input.length; cut++) {
      const scanner = new MarkerScanner(MARKER, 0, 'drop');
      const output = Buffer.concat([scanner.push(input.subarray(0, cut)), scanner.push(input.subarray(cut)), scanner.push(Buffer.from('later')), scanner.flush()]);
      expect(output.toString('latin1')).toBe('out\n');
      expect(scanner.found).toBe(true);
    }
  });

  it('gives back a marker whose trailer never came when flushed', () => {
    const scanner = new MarkerScanner(MARKER, 3);
    expect(scanner.push(Buffer.concat([MARKER, Buffer.from('1')])).length).toBe(0);
    expect(scanner.flush().equals(Buffer.concat([MARKER, Buffer.from('1')]))).toBe(true);
    expect(scanner.found).toBe(false);
  });

  it('counts only the first marker', () => {
    const input = Buffer.concat([MARKER, Buffer.from('001'), MARKER, Buffer.from('002')]);
    const { output, trailer } = scan(input, [], 3);
    expect(output.equals(Buffer.concat([MARKER, Buffer.from('002')]))).toBe(true);
    expect(trailer).toBe('001');
  });
});
