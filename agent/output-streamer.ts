/**
 * Coalesces a script's output chunks into fewer `task-output` frames: flushed every
 * `intervalMs` or when `maxBytes` are pending, with consecutive sequence numbers.
 */
export class OutputStreamer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (seq: number, data: Buffer) => void,
    private readonly intervalMs = 50,
    private readonly maxBytes = 64 * 1024,
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
    this.emit(this.seq, data);
    this.seq += 1;
  }
}
