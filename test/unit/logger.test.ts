import { describe, expect, it } from 'vitest';
import { createDeferredLogger, createLogger, formatLogLine } from '../../shared/logger.js';

describe('logger', () => {
  it('formats a line as time, level, [component], message and the fields as JSON', () => {
    const time = new Date('2026-12-01T10:00:00.000Z');
    expect(formatLogLine(time, 'info', 'agent', 'connected')).toBe('2026-12-01T10:00:00.000Z info [agent] connected');
    expect(formatLogLine(time, 'warn', 'hub', 'dropped', { instanceId: 'mi-1', n: 2 })).toBe('2026-12-01T10:00:00.000Z warn [hub] dropped {"instanceId":"mi-1","n":2}');
    expect(formatLogLine(time, 'info', 'x', 'no fields', {})).toBe('2026-12-01T10:00:00.000Z info [x] no fields');
  });

  // createLogger (the server's) and createDeferredLogger (the agent's, winston on its first line)
  // write the same lines at every level.
  describe.each([
    ['createLogger', createLogger],
    ['createDeferredLogger', createDeferredLogger],
  ] as const)('%s', (_name, make) => {
    it.each([
      ['error', ['error']],
      ['warn', ['error', 'warn']],
      ['info', ['error', 'warn', 'info']],
      ['debug', ['error', 'warn', 'info', 'debug']],
      ['unknown', ['error', 'warn', 'info']],
    ])('at level %s writes %j', (level, written) => {
      const lines: string[] = [];
      const logger = make('agent', { level, write: (line) => lines.push(line) });
      logger.error('e');
      logger.warn('w', { reason: 'r' });
      logger.info('i');
      logger.debug('d');
      expect(lines.map((l) => l.split(' ')[1])).toEqual(written);
      expect(lines.every((l) => / \[agent\] /.test(l))).toBe(true);
      if (written.includes('warn')) expect(lines[1]).toMatch(/^\S+Z warn \[agent\] w \{"reason":"r"\}$/);
    });
  });

  it('does not format a line whose level is off, and follows a changed level', () => {
    const lines: string[] = [];
    const logger = createLogger('t', { level: 'info', write: (line) => lines.push(line) });
    let formatted = 0;
    const meta = { get costly(): string { formatted += 1; return 'x'; } };
    logger.debug('d', meta);
    expect(formatted).toBe(0);
    expect(lines).toEqual([]);
    expect(logger.isLevelEnabled('debug')).toBe(false);
    logger.level = 'debug';
    expect(logger.isLevelEnabled('debug')).toBe(true);
    logger.debug('d', meta);
    expect(formatted).toBeGreaterThan(0);
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['debug']);
    logger.level = 'warn';
    expect(logger.isLevelEnabled('info')).toBe(false);
    logger.info('i');
    expect(lines).toHaveLength(1);
  });

  it('the deferred logger does not read the fields of a line whose level is off', () => {
    const lines: string[] = [];
    const logger = createDeferredLogger('agent', { level: 'warn', write: (line) => lines.push(line) });
    let read = 0;
    logger.info('i', { get costly(): string { read += 1; return 'x'; } });
    expect(read).toBe(0);
    expect(lines).toEqual([]);
  });
});
