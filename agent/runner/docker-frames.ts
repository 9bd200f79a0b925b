/**
 * Docker's multiplexed attach stream (an exec or attach without a TTY): a sequence of frames,
 * each an 8-byte header `[stream, 0, 0, 0, size (uint32 big-endian)]` followed by `size` bytes
 * of payload, where stream is 0 (stdin), 1 (stdout) or 2 (stderr). Chunks from the socket cut
 * frames anywhere, headers included.
 *
 * The real agent writes stdout and stderr into one buffer (spec/reference-agent.md §0.2): this
 * yields every payload in arrival order, whichever stream it came from.
 */
export const FRAME_HEADER_BYTES = 8;

export class DockerFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes received that do not yet form a whole frame. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** Feeds raw socket bytes; returns the payloads of the frames they complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const payloads: Buffer[] = [];
    let offset = 0;
    while (this.pending.length - offset >= FRAME_HEADER_BYTES) {
      const size = this.pending.readUInt32BE(offset + 4);
      const end = offset + FRAME_HEADER_BYTES + size;
      if (end > this.pending.length) break;
      // A copy: the caller keeps payloads while `pending` is reused.
      if (size > 0) payloads.push(Buffer.from(this.pending.subarray(offset + FRAME_HEADER_BYTES, end)));
      offset = end;
    }
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return payloads;
  }
}
