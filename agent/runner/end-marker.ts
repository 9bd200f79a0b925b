const EMPTY = Buffer.alloc(0);

/**
 * Finds the end-of-script marker in a byte stream split into arbitrary chunks, and removes it.
 * Bytes that might be the start of a marker split across chunks are held back until the next
 * chunk (or `flush()`) settles it, so the output passed on never contains the marker or any
 * part of it, and never loses a byte.
 */
export class EndMarkerScanner {
  private pending: Buffer = EMPTY;
  private seen = false;

  constructor(private readonly marker: Buffer) {
    if (marker.length === 0) throw new RangeError('the end marker must not be empty');
  }

  /** Whether the marker has gone by. */
  get found(): boolean {
    return this.seen;
  }

  /** Feeds one chunk; returns the output bytes that can be passed on now (possibly none). */
  push(chunk: Buffer): Buffer {
    if (this.seen) return chunk;
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      this.seen = true;
      this.pending = EMPTY;
      return Buffer.concat([data.subarray(0, at), data.subarray(at + this.marker.length)]);
    }
    const keep = this.partialMarkerAtEnd(data);
    this.pending = keep > 0 ? Buffer.from(data.subarray(data.length - keep)) : EMPTY;
    return data.subarray(0, data.length - keep);
  }

  /** The held-back bytes, once no more input will come (they were not a marker after all). */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = EMPTY;
    return rest;
  }

  /** Length of the longest end of `data` that is a proper start of the marker. */
  private partialMarkerAtEnd(data: Buffer): number {
    for (let length = Math.min(this.marker.length - 1, data.length); length > 0; length--) {
      if (data.subarray(data.length - length).equals(this.marker.subarray(0, length))) return length;
    }
    return 0;
  }
}
