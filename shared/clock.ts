/** An injectable source of time, so schedules and timeouts can be tested with a fake clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The last second formatted (every agent message formats "now": most calls repeat it). */
let lastSecond = Number.NaN;
let lastFormatted = '';

/** UTC `yyyy-MM-ddTHH:mm:ssZ`, the format of every time in API responses. */
export function formatApiTime(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second === lastSecond) return lastFormatted;
  const formatted = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  lastSecond = second;
  lastFormatted = formatted;
  return formatted;
}

/**
 * Simulated time: the system clock plus an offset that only moves forward. The control plane
 * runs on it so schedules ("every day at 10:15", "rate(1d)") can be tested in seconds; times
 * that agents report in real time are shifted by the same offset.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves simulated time forward by `ms` (≥ 0). */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('time only moves forward');
    this.offsetMs += ms;
    return this.now();
  }

  /** A real (agent-reported) instant in simulated time. */
  fromReal(real: Date): Date {
    return new Date(real.getTime() + this.offsetMs);
  }
}

/** A reported real instant in `clock`'s time (identity for the system clock). */
export function simulatedTime(clock: Clock, real: Date): Date {
  return clock instanceof AdjustableClock ? clock.fromReal(real) : real;
}
