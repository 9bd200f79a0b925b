/** An injectable source of time, so schedules and timeouts can be tested with a fake clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** UTC `yyyy-MM-ddTHH:mm:ssZ`, the format of every time in API responses. */
export function formatApiTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
