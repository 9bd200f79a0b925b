/**
 * A parsed RepeatMode=Period `Frequency` (spec §18). Produced by `parseFrequency`, consumed by
 * `nextRun`; plain data, so it can be stored with the invocation.
 */
export type Schedule =
  /** `rate(5m)`: start-to-start every `intervalSeconds`, anchored at the task's creation. */
  | { kind: 'rate'; intervalSeconds: number }
  /** `at(2022-06-06 13:15:30 Asia/Shanghai)`: once, at `instant`. */
  | { kind: 'at'; instant: Date }
  /**
   * A cron expression: `expression` holds its 6 or 7 time fields (seconds … day-of-week, optional
   * year) joined by single spaces; `zone` is its TZ token as written (`Asia/Shanghai`,
   * `GMT+8:00`, `UTC`), or null for the instance's own time zone.
   */
  | { kind: 'cron'; expression: string; zone: string | null };
