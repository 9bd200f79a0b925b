import { describe, expect, it } from 'vitest';
import { DockerFrameDecoder } from '../../agent/runner/docker-frames.js';

function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('DockerFrameDecoder', () => {
  it('yields stdout and stderr payloads in arrival order', () => {
    const decoder = new DockerFrameDecoder();
    const out = decoder.push(Buffer.concat([frame(1, 'one\n'), frame(2, 'two\n'), frame(1, 'three\n')]));
    expect(out.map((b) => b.toString())).toEqual(['one\n', 'two\n', 'three\n']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reassembles frames cut anywhere, headers included, one byte at a time', () => {
    const raw = Buffer.concat([frame(1, 'héllo '), frame(2, 'wörld\n'), frame(1, '')]);
    const decoder = new DockerFrameDecoder();
    const out: Buffer[] = [];
    for (const byte of raw) out.push(...decoder.push(Buffer.from([byte])));
    expect(Buffer.concat(out).toString('utf8')).toBe('héllo wörld\n');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const decoder = new DockerFrameDecoder();
    const whole = frame(1, 'abcdef');
    expect(decoder.push(whole.subarray(0, 10))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(10);
    expect(decoder.push(whole.subarray(10)).map(String)).toEqual(['abcdef']);
  });
});
