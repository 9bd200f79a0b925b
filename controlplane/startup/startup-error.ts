import { getSystemErrorMap } from 'node:util';

/** Why the server could not start; each has a stable code, and a message that is one line for the operator. */
export const STARTUP_ERROR_CODES = ['DataDirUnusable', 'DataDirLocked', 'StoreUnopenable', 'ListenFailed'] as const;
export type StartupErrorCode = (typeof STARTUP_ERROR_CODES)[number];

/** A start-up failure the CLI prints as one line (`casim server: <message>`), without a stack. */
export class StartupError extends Error {
  constructor(
    readonly code: StartupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/**
 * The cause of a failed system or SQLite call in words, with its code:
 * `permission denied (EACCES)`, `unable to open database file (SQLITE_CANTOPEN)`.
 */
export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, errno } = error as NodeJS.ErrnoException;
  // A system error: libuv's words for its errno, without Node's "<syscall> <path>" decoration.
  const systemWords = typeof errno === 'number' ? getSystemErrorMap().get(errno)?.[1] : undefined;
  const words = systemWords ?? error.message;
  return typeof code === 'string' && code !== '' && !words.includes(code) ? `${words} (${code})` : words;
}

/** The code of a failed system or SQLite call (`ENOTDIR`, `SQLITE_CANTOPEN`), or undefined. */
export function causeCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
