import { Writable } from 'node:stream';
import winston from 'winston';

/**
 * What the rest of the code logs through: any object with these four methods (a winston logger
 * from createLogger, or a test's own).
 */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  /** Whether a line at `level` would be written (absent: assume it would); lets a caller skip building one. */
  isLevelEnabled?(level: string): boolean;
}

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** CASIM_LOG_FORMAT: `json` gives one JSON object per line (for log shippers); anything else, text. */
export function logFormatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat {
  return env.CASIM_LOG_FORMAT === 'json' ? 'json' : 'text';
}

/** One text line (pure): `2026-12-01T10:00:00.000Z info [component] message {"key":"value"}`. */
export function formatLogLine(time: Date, level: string, component: string, message: string, meta?: Record<string, unknown>): string {
  const extra = meta && Object.keys(meta).length > 0 ? ' ' + JSON.stringify(meta) : '';
  return `${time.toISOString()} ${level} [${component}] ${message}${extra}`;
}

function lineFormat(format: LogFormat): winston.Logform.Format {
  if (format === 'json') return winston.format.combine(winston.format.timestamp(), winston.format.json());
  return winston.format.combine(
    winston.format.timestamp(),
    winston.format.printf(({ timestamp, level, message, component, ...rest }) =>
      formatLogLine(new Date(String(timestamp)), level, String(component), String(message), rest),
    ),
  );
}

export interface LoggerOptions {
  /** Default CASIM_LOG_LEVEL, else info (npm levels: error, warn, info, debug…). */
  level?: string;
  /** Default CASIM_LOG_FORMAT. */
  format?: LogFormat;
  /** Default: each line to stderr. */
  write?: (line: string) => void;
}

const LEVELS: ReadonlySet<string> = new Set(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']);

/** One logger factory for every process (winston); `component` tags each line. */
export function createLogger(component: string, options: LoggerOptions = {}): winston.Logger {
  const level = options.level ?? process.env.CASIM_LOG_LEVEL;
  const write = options.write;
  const transport = write
    ? new winston.transports.Stream({
        stream: new Writable({
          write: (chunk: Buffer, _encoding, done) => {
            write(chunk.toString('utf8').trimEnd());
            done();
          },
        }),
      })
    : new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] });
  const logger = winston.createLogger({
    level: level !== undefined && LEVELS.has(level) ? level : 'info',
    defaultMeta: { component },
    format: lineFormat(options.format ?? logFormatFromEnv()),
    transports: [transport],
  });
  return skippingDisabledLevels(logger);
}

/**
 * winston formats every line (timestamp, printf) before its transport drops a level that is
 * off, so a debug line at info level cost as much as a printed one: at fleet scale the run
 * lifecycle's debug lines were ~5 % of the server's CPU. Each level method now returns at once
 * when its level is off (checked on every call, so a changed `level` takes effect).
 */
function skippingDisabledLevels(logger: winston.Logger): winston.Logger {
  const methods = logger as unknown as Record<string, (...args: unknown[]) => winston.Logger>;
  // winston's isLevelEnabled looks the levels up and walks the transports on every call: the
  // answers are kept until `level` changes (the run log asks thousands of times a second).
  const answer = logger.isLevelEnabled.bind(logger);
  const answers = new Map<string, boolean>();
  let answeredFor = logger.level;
  const isLevelEnabled = (level: string): boolean => {
    if (logger.level !== answeredFor) {
      answers.clear();
      answeredFor = logger.level;
    }
    let enabled = answers.get(level);
    if (enabled === undefined) {
      enabled = answer(level);
      answers.set(level, enabled);
    }
    return enabled;
  };
  logger.isLevelEnabled = isLevelEnabled;
  for (const name of LEVELS) {
    const method = methods[name];
    if (typeof method !== 'function') continue;
    methods[name] = (...args: unknown[]) => (isLevelEnabled(name) ? method.apply(logger, args) : logger);
  }
  return logger;
}
