const EMPTY = Buffer.alloc(0);

/**
 * What becomes of the bytes after the marker (and its trailer): passed on (`keep`: the output
 * goes on after the status marker), or not (`drop`: nothing after the end marker is the run's).
 */
export type AfterMarker = 'keep' | 'drop';

/**
 * Finds a marker in a byte stream split into arbitrary chunks and removes it, with the
 * `trailerLength` bytes that follow it (kept as `trailer`: the script's exit status after the
 * status marker, none after the end marker; see launch-command.ts). Bytes that might be the
 * start of a marker split across chunks, or a marker whose trailer has not all arrived, are held
 * back until the next chunk (or `flush()`) settles them, so the output passed on never contains
 * the marker or any part of it, and never loses a byte before it. Only the first marker counts.
 */
export class MarkerScanner {
  private pending: Buffer = EMPTY;
  private seen: Buffer | null = null;

  constructor(private readonly marker: Buffer, private readonly trailerLength = 0, private readonly after: AfterMarker = 'keep') {
    if (marker.length === 0) throw new RangeError('the marker must not be empty');
    if (!Number.isInteger(trailerLength) || trailerLength < 0) throw new RangeError('the trailer length must be a whole number');
  }

  /** Whether the marker and its whole trailer have gone by. */
  get found(): boolean {
    return this.seen !== null;
  }

  /** The bytes after the marker once found, else null. */
  get trailer(): Buffer | null {
    return this.seen;
  }

  /** Feeds one chunk; returns the output bytes that can be passed on now (possibly none). */
  push(chunk: Buffer): Buffer {
    if (this.seen !== null) return this.after === 'keep' ? chunk : EMPTY;
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const at = data.indexOf(this.marker);
    if (at >= 0) {
      const end = at + this.marker.length + this.trailerLength;
      if (end > data.length) {
        // The trailer is still on its way: hold the marker back with what has come of it.
        this.pending = Buffer.from(data.subarray(at));
        return data.subarray(0, at);
      }
      this.seen = Buffer.from(data.subarray(at + this.marker.length, end));
      this.pending = EMPTY;
      return this.after === 'keep' ? Buffer.concat([data.subarray(0, at), data.subarray(end)]) : data.subarray(0, at);
    }
    const keep = this.partialMarkerAtEnd(data);
    this.pending = keep > 0 ? Buffer.from(data.subarray(data.length - keep)) : EMPTY;
    return data.subarray(0, data.length - keep);
  }

  /** The held-back bytes, once no more input will come (they were not a whole marker after all). */
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
