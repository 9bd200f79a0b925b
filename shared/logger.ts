import winston from 'winston';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** CASIM_LOG_FORMAT: `json` gives one JSON object per line (for log shippers); anything else, text. */
export function logFormatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat {
  return env.CASIM_LOG_FORMAT === 'json' ? 'json' : 'text';
}

function lineFormat(format: LogFormat): winston.Logform.Format {
  if (format === 'json') return winston.format.combine(winston.format.timestamp(), winston.format.json());
  return winston.format.combine(
    winston.format.timestamp(),
    winston.format.printf(({ timestamp, level, message, component: c, ...rest }) => {
      const extra = Object.keys(rest).length > 0 ? ' ' + JSON.stringify(rest) : '';
      return `${String(timestamp)} ${level} [${String(c)}] ${String(message)}${extra}`;
    }),
  );
}

/**
 * One logger factory for every process; `component` tags each line. Level from CASIM_LOG_LEVEL,
 * format from CASIM_LOG_FORMAT (`text`, the default, or `json`: `{"level","message","component",
 * "timestamp",…fields}` per line).
 */
export function createLogger(component: string, format: LogFormat = logFormatFromEnv()): winston.Logger {
  return winston.createLogger({
    level: process.env.CASIM_LOG_LEVEL ?? 'info',
    defaultMeta: { component },
    format: lineFormat(format),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

export type Logger = winston.Logger;
