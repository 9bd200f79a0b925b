import { Writable } from 'node:stream';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormatFromEnv } from '../../shared/logger.js';

function captured(format: 'text' | 'json'): { lines: string[]; logger: winston.Logger } {
  const lines: string[] = [];
  const logger = createLogger('test', { format });
  logger.clear();
  logger.add(new winston.transports.Stream({ stream: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString().trimEnd()), done()) }) }));
  return { lines, logger };
}

describe('log format', () => {
  it('CASIM_LOG_FORMAT=json selects JSON; anything else text', () => {
    expect(logFormatFromEnv({ CASIM_LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormatFromEnv({ CASIM_LOG_FORMAT: 'xml' })).toBe('text');
    expect(logFormatFromEnv({})).toBe('text');
  });

  it('json: one object per line with level, message, component, timestamp and the fields', () => {
    const { lines, logger } = captured('json');
    logger.warn('fault flt-1 api-error: answered RunCommand with Throttling', { faultId: 'flt-1' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', message: 'fault flt-1 api-error: answered RunCommand with Throttling', component: 'test', faultId: 'flt-1', timestamp: expect.any(String) });
  });

  it('text: timestamp level [component] message {fields}', () => {
    const { lines, logger } = captured('text');
    logger.warn('hello', { a: 1 });
    expect(lines[0]).toMatch(/^\S+Z warn \[test\] hello \{"a":1\}$/);
  });
});
