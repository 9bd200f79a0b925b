import { MAX_OUTPUT_CHUNK_BYTES } from '../shared/protocol-constants.js';

/**
 * Takes a chunk to stream; false when it cannot be kept now (the send window is full): the bytes
 * are then counted and announced as `skipped` with the next chunk that is kept.
 */
export type ChunkSink = (seq: number, data: Buffer, skipped: number) => boolean;

/**
 * Coalesces a script's output chunks into fewer `task-output` frames: flushed every
 * `intervalMs` or when `maxBytes` are pending, at most `maxBytes` per frame, with consecutive
 * sequence numbers.
 */
export class OutputStreamer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  private skipped = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: ChunkSink,
    private readonly intervalMs = 50,
    private readonly maxBytes = MAX_OUTPUT_CHUNK_BYTES,
  ) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    for (let offset = 0; offset < data.length; offset += this.maxBytes) {
      const part = data.subarray(offset, offset + this.maxBytes);
      if (this.emit(this.seq, part, this.skipped)) {
        this.seq += 1;
        this.skipped = 0;
      } else {
        this.skipped += part.length;
      }
    }
  }
}
