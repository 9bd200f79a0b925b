/** The shortest Timeout a task may have, in seconds (spec §2). */
export const MIN_TIMEOUT_SECONDS = 10;
