import { describe, expect, it } from 'vitest';
import { OUTPUT_HEAD_BYTES, OUTPUT_QUOTA_BYTES, OutputBuffer } from '../../shared/output-buffer.js';

/** A deterministic, non-periodic-looking byte stream: byte i of the virtual stream. */
const PATTERN_LENGTH = 65_537; // prime, so chunk boundaries never line up with the pattern
const PATTERN = Buffer.alloc(PATTERN_LENGTH + 1_000_000);
{
  let x = 0x12345678;
  for (let i = 0; i < PATTERN_LENGTH; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    PATTERN[i] = x >>> 24;
  }
  for (let i = PATTERN_LENGTH; i < PATTERN.length; i++) PATTERN[i] = PATTERN[i % PATTERN_LENGTH]!;
}

/** Bytes [offset, offset + length) of the virtual stream (length ≤ 1 000 000). */
function streamSlice(offset: number, length: number): Buffer {
  const start = offset % PATTERN_LENGTH;
  return PATTERN.subarray(start, start + length);
}

function expectedContents(total: number, head = OUTPUT_HEAD_BYTES, quota = OUTPUT_QUOTA_BYTES): Buffer {
  if (total <= quota) return Buffer.from(streamSlice(0, total));
  return Buffer.concat([streamSlice(0, head), streamSlice(total - (quota - head), quota - head)]);
}

describe('OutputBuffer', () => {
  it('uses a 6000-byte head and a 24576-byte quota by default', () => {
    const buffer = new OutputBuffer();
    expect(buffer.headBytes).toBe(6000);
    expect(buffer.quotaBytes).toBe(24576);
  });

  const cases: ReadonlyArray<{ name: string; total: number; dropped: number }> = [
    { name: 'keeps nothing and drops nothing for 0 bytes', total: 0, dropped: 0 },
    { name: 'keeps everything under the head size', total: 10, dropped: 0 },
    { name: 'keeps everything exactly at the head size', total: 6000, dropped: 0 },
    { name: 'keeps everything under the quota', total: 20_000, dropped: 0 },
    { name: 'keeps everything at exactly the quota', total: 24_576, dropped: 0 },
    { name: 'drops 1 middle byte at quota + 1', total: 24_577, dropped: 1 },
    { name: 'drops the middle of a 1 MB output', total: 1_000_000, dropped: 1_000_000 - 24_576 },
  ];
  for (const { name, total, dropped } of cases) {
    for (const chunkSize of [1, 7, 4096, 1_000_000]) {
      if (chunkSize === 1 && total > 30_000) continue;
      it(`${name} (chunks of ${chunkSize})`, () => {
        const buffer = new OutputBuffer();
        for (let offset = 0; offset < total; offset += chunkSize) {
          buffer.append(streamSlice(offset, Math.min(chunkSize, total - offset)));
        }
        expect(buffer.totalBytes).toBe(total);
        expect(buffer.dropped).toBe(dropped);
        const contents = buffer.contents();
        expect(contents.length).toBe(Math.min(total, 24_576));
        expect(contents.equals(expectedContents(total))).toBe(true);
      });
    }
  }

  it('at quota + 1 cuts exactly the byte right after the head', () => {
    const input = Buffer.alloc(24_577);
    for (let i = 0; i < input.length; i++) input[i] = i % 251;
    const buffer = new OutputBuffer();
    buffer.append(input);
    const expected = Buffer.concat([input.subarray(0, 6000), input.subarray(6001)]);
    expect(buffer.contents().equals(expected)).toBe(true);
    expect(buffer.dropped).toBe(1);
  });

  it('keeps the exact dropped count and head/tail bytes over 100 MB streamed in uneven chunks', () => {
    const total = 100 * 1024 * 1024;
    const chunkSizes = [1, 65_536, 4095, 18_575, 18_577, 199_999, 3, 6000, 24_576, 131_071];
    const buffer = new OutputBuffer();
    let offset = 0;
    let i = 0;
    while (offset < total) {
      const size = Math.min(chunkSizes[i++ % chunkSizes.length]!, total - offset);
      buffer.append(streamSlice(offset, size));
      offset += size;
    }
    expect(buffer.totalBytes).toBe(total);
    expect(buffer.dropped).toBe(total - 24_576);
    const contents = buffer.contents();
    expect(contents.length).toBe(24_576);
    expect(contents.subarray(0, 6000).equals(streamSlice(0, 6000))).toBe(true);
    expect(contents.subarray(6000).equals(streamSlice(total - 18_576, 18_576))).toBe(true);
  });

  it('matches a naive model for random chunk sizes with a small head and quota', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (const [head, quota] of [[5, 12], [0, 7], [7, 7], [3, 4], [0, 0]] as const) {
      for (let trial = 0; trial < 50; trial++) {
        const buffer = new OutputBuffer({ headBytes: head, quotaBytes: quota });
        const all: Buffer[] = [];
        let offset = 0;
        const chunks = random(12);
        for (let c = 0; c < chunks; c++) {
          const chunk = Buffer.from(streamSlice(offset, random(2 * quota + 3)));
          offset += chunk.length;
          all.push(chunk);
          buffer.append(chunk);
          const seen = Buffer.concat(all);
          const expected = seen.length <= quota
            ? seen
            : Buffer.concat([seen.subarray(0, head), seen.subarray(seen.length - (quota - head))]);
          expect(buffer.contents().equals(expected)).toBe(true);
          expect(buffer.dropped).toBe(Math.max(0, seen.length - quota));
          expect(buffer.totalBytes).toBe(seen.length);
        }
      }
    }
  });

  it('returns a copy that later appends do not change', () => {
    const buffer = new OutputBuffer({ headBytes: 2, quotaBytes: 4 });
    buffer.append(Buffer.from('abcd'));
    const before = buffer.contents();
    buffer.append(Buffer.from('ef'));
    expect(before.toString()).toBe('abcd');
    expect(buffer.contents().toString()).toBe('abef');
  });

  it('rejects a quota smaller than the head', () => {
    expect(() => new OutputBuffer({ headBytes: 10, quotaBytes: 9 })).toThrow(RangeError);
    expect(() => new OutputBuffer({ headBytes: -1 })).toThrow(RangeError);
  });
});

describe('OutputBuffer.skip', () => {
  it('keeps Dropped an exact integer whatever the agents claim', () => {
    const buffer = new OutputBuffer();
    buffer.append(Buffer.from('hi'));
    buffer.skip(Number.MAX_SAFE_INTEGER);
    buffer.skip(Number.MAX_SAFE_INTEGER);
    expect(Number.isSafeInteger(buffer.dropped)).toBe(true);
    expect(buffer.dropped).toBe(Number.MAX_SAFE_INTEGER - 2);
  });
});
