import { createRequire } from 'node:module';
import type { Writable as WritableType } from 'node:stream';
import type winston from 'winston';

// Required when a logger is made, not when this module is imported: the agent's logger
// (createDeferredLogger) loads winston with its first line, so that an idle agent that has
// printed nothing does not hold it (issue 10).
const require = createRequire(import.meta.url);
const loadWinston = (): typeof winston => require('winston') as typeof winston;

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

function lineFormat(winston: typeof import('winston'), format: LogFormat): winston.Logform.Format {
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

/** winston's default (npm) levels, most severe first. */
const LEVELS: readonly string[] = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];

/** options.level, else CASIM_LOG_LEVEL; info when neither names a level. */
function levelOf(options: LoggerOptions): string {
  const level = options.level ?? process.env.CASIM_LOG_LEVEL;
  return level !== undefined && LEVELS.includes(level) ? level : 'info';
}

/** One logger factory for every process (winston); `component` tags each line. */
export function createLogger(component: string, options: LoggerOptions = {}): winston.Logger {
  const winston = loadWinston();
  const { Writable } = require('node:stream') as { Writable: typeof WritableType };
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
    level: levelOf(options),
    defaultMeta: { component },
    format: lineFormat(winston, options.format ?? logFormatFromEnv()),
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

/**
 * The agent's logger: createLogger's lines, but winston (~1.5 MiB resident with its formats and
 * streams, in the Node 22 instance image) is loaded with the first line at an enabled level, not
 * when the agent starts (issue 10: an idle agent in ≤ 50 MB). At `warn` an agent that is simply
 * connected prints nothing and never loads it; at `info` its first line (`connected as …`) does.
 * The level is read once, when the logger is made.
 */
export function createDeferredLogger(component: string, options: LoggerOptions = {}): Logger {
  const enabled = LEVELS.indexOf(levelOf(options));
  let logger: winston.Logger | undefined;
  const method = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, meta?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(level) > enabled) return;
    logger ??= createLogger(component, options);
    logger[level](message, meta);
  };
  return { error: method('error'), warn: method('warn'), info: method('info'), debug: method('debug') };
}
