/**
 * One logger factory for every process; `component` tags each line. Level from CASIM_LOG_LEVEL.
 * Lines go to stderr as `2026-12-01T10:00:00.000Z info [component] message {"key":"value"}`.
 *
 * A few lines of our own rather than winston: an idle agent is mostly its libraries, and winston
 * alone was about 10 MB of an agent's resident memory (bench/RESULTS.md). Any object with these
 * four methods is a Logger (tests pass winston loggers, which still fit).
 */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

/** npm log levels (winston's), most severe first. */
const LEVELS = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 } as const;
type LevelName = keyof typeof LEVELS;

function levelRank(name: string | undefined): number {
  return name !== undefined && name in LEVELS ? LEVELS[name as LevelName] : LEVELS.info;
}

/** One log line (pure). */
export function formatLogLine(time: Date, level: string, component: string, message: string, meta?: Record<string, unknown>): string {
  const extra = meta && Object.keys(meta).length > 0 ? ' ' + JSON.stringify(meta) : '';
  return `${time.toISOString()} ${level} [${component}] ${message}${extra}`;
}

export interface LoggerOptions {
  /** Default CASIM_LOG_LEVEL, else info. */
  level?: string;
  /** Default: a line to stderr. */
  write?: (line: string) => void;
}

export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const threshold = levelRank(options.level ?? process.env.CASIM_LOG_LEVEL);
  const write = options.write ?? ((line: string): void => void process.stderr.write(line + '\n'));
  const at = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, meta?: Record<string, unknown>): void => {
    if (LEVELS[level] <= threshold) write(formatLogLine(new Date(), level, component, message, meta));
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
