/**
 * Retained script output: the first bytes (the "head") plus a ring of the newest bytes (the
 * "tail"), within one byte quota. Mirrors the real agent's `outputbuffer` + `ringbuffer`
 * (spec/reference-agent.md §1.8, spec/cloud-assistant-api.md §19): for N bytes in all, the
 * contents are all N bytes when N ≤ quota, else the first `headBytes` bytes followed by the last
 * `quota − headBytes` bytes, and `dropped` = N − quota is the exact count cut from the middle.
 *
 * Memory is fixed at `quotaBytes` however much is appended.
 */
export const OUTPUT_HEAD_BYTES = 6000;
export const OUTPUT_QUOTA_BYTES = 24576;

export interface OutputBufferOptions {
  /** Bytes kept from the start of the output. Default 6000. */
  headBytes?: number;
  /** Bytes kept in all (head + tail). Default 24576. */
  quotaBytes?: number;
}

export class OutputBuffer {
  readonly headBytes: number;
  readonly quotaBytes: number;

  private readonly head: Buffer;
  private headLength = 0;
  /** Fixed-size ring of the newest bytes after the head. */
  private readonly ring: Buffer;
  /** Index of the oldest byte in the ring. */
  private ringStart = 0;
  private ringLength = 0;
  private total = 0;

  constructor(options: OutputBufferOptions = {}) {
    const headBytes = options.headBytes ?? OUTPUT_HEAD_BYTES;
    const quotaBytes = options.quotaBytes ?? OUTPUT_QUOTA_BYTES;
    if (!Number.isSafeInteger(headBytes) || headBytes < 0) {
      throw new RangeError(`headBytes must be a non-negative integer, got ${headBytes}`);
    }
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes < headBytes) {
      throw new RangeError(`quotaBytes must be an integer ≥ headBytes (${headBytes}), got ${quotaBytes}`);
    }
    this.headBytes = headBytes;
    this.quotaBytes = quotaBytes;
    this.head = Buffer.alloc(headBytes);
    this.ring = Buffer.alloc(quotaBytes - headBytes);
  }

  /** Every byte ever appended, retained or not. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes cut from the middle: max(0, totalBytes − quotaBytes). */
  get dropped(): number {
    return this.total - this.headLength - this.ringLength;
  }

  append(chunk: Uint8Array): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headLength < this.headBytes) {
      const take = Math.min(this.headBytes - this.headLength, rest.length);
      this.head.set(rest.subarray(0, take), this.headLength);
      this.headLength += take;
      rest = rest.subarray(take);
    }
    if (rest.length > 0) this.appendToRing(rest);
  }

  /**
   * `count` bytes of the stream that were never seen (e.g. live chunks the agent could not send):
   * they count as dropped from the middle. The count stays an exact integer (at most
   * Number.MAX_SAFE_INTEGER, whatever an agent claims).
   */
  skip(count: number): void {
    this.total = Math.min(Number.MAX_SAFE_INTEGER, this.total + count);
  }

  /** A buffer holding what `contents()` and `dropped` of another one were. */
  static restore(contents: Uint8Array, dropped: number, options: OutputBufferOptions = {}): OutputBuffer {
    const buffer = new OutputBuffer(options);
    buffer.append(contents);
    buffer.skip(dropped);
    return buffer;
  }

  /** The retained bytes: head then tail, oldest first (a copy). */
  contents(): Buffer {
    const out = Buffer.allocUnsafe(this.headLength + this.ringLength);
    this.head.copy(out, 0, 0, this.headLength);
    const firstPart = Math.min(this.ringLength, this.ring.length - this.ringStart);
    this.ring.copy(out, this.headLength, this.ringStart, this.ringStart + firstPart);
    this.ring.copy(out, this.headLength + firstPart, 0, this.ringLength - firstPart);
    return out;
  }

  private appendToRing(bytes: Uint8Array): void {
    const size = this.ring.length;
    if (size === 0) return;
    if (bytes.length >= size) {
      // Only the newest `size` bytes can survive: the ring becomes exactly them.
      this.ring.set(bytes.subarray(bytes.length - size));
      this.ringStart = 0;
      this.ringLength = size;
      return;
    }
    const writeAt = (this.ringStart + this.ringLength) % size;
    const firstPart = Math.min(bytes.length, size - writeAt);
    this.ring.set(bytes.subarray(0, firstPart), writeAt);
    this.ring.set(bytes.subarray(firstPart), 0);
    const overflow = this.ringLength + bytes.length - size;
    if (overflow > 0) {
      this.ringStart = (this.ringStart + overflow) % size;
      this.ringLength = size;
    } else {
      this.ringLength += bytes.length;
    }
  }
}
