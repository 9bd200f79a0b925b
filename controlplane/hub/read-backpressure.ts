import type { WebSocket } from 'ws';

/** Unsent bytes to an agent above which its socket is no longer read. */
export const PAUSE_ABOVE_BYTES = 1024 * 1024;
/** …and below which it is read again. */
export const RESUME_BELOW_BYTES = 256 * 1024;
const RECHECK_MS = 50;

/**
 * Keeps what the control plane holds unsent for an agent bounded: every frame an agent sends may
 * be answered (an acknowledgement), so an agent that sends without reading what it is sent would
 * grow that buffer without limit (found by fuzzing: 2.9 GB, then out of memory). Above
 * PAUSE_ABOVE_BYTES its socket is no longer read, so its frames wait in the kernel and in the
 * agent; once the buffer is below RESUME_BELOW_BYTES it is read again. An agent that stays away
 * from its socket also stops answering pings, and the hub drops it at its next ping slot. A
 * legitimate burst (a reconnecting agent's pending tasks) only delays reading until it is sent.
 */
export class ReadBackpressure {
  private readonly paused = new Map<WebSocket, NodeJS.Timeout>();

  constructor(private readonly limits = { pauseAbove: PAUSE_ABOVE_BYTES, resumeBelow: RESUME_BELOW_BYTES, recheckMs: RECHECK_MS }) {}

  /** After a frame of `socket` is handled (its answers queued, or about to be): pauses reading when too much is unsent. */
  check(socket: WebSocket): void {
    if (this.paused.has(socket) || socket.bufferedAmount <= this.limits.pauseAbove) return;
    socket.pause();
    const timer = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return this.forget(socket);
      if (socket.bufferedAmount >= this.limits.resumeBelow) return;
      this.forget(socket);
      socket.resume();
    }, this.limits.recheckMs);
    timer.unref();
    this.paused.set(socket, timer);
  }

  /** The socket is closed (or resumed): nothing to watch. */
  forget(socket: WebSocket): void {
    clearInterval(this.paused.get(socket));
    this.paused.delete(socket);
  }

  /** How many sockets are paused now. */
  get size(): number {
    return this.paused.size;
  }
}
