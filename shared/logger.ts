import winston from 'winston';

/** One logger factory for every process; `component` tags each line. Level from CASIM_LOG_LEVEL. */
export function createLogger(component: string): winston.Logger {
  return winston.createLogger({
    level: process.env.CASIM_LOG_LEVEL ?? 'info',
    defaultMeta: { component },
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf(({ timestamp, level, message, component: c, ...rest }) => {
        const extra = Object.keys(rest).length > 0 ? ' ' + JSON.stringify(rest) : '';
        return `${String(timestamp)} ${level} [${String(c)}] ${String(message)}${extra}`;
      }),
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

export type Logger = winston.Logger;
