import { describe, expect, it } from 'vitest';
import { publishRunEvent } from '../../controlplane/invocations/run-events.js';
import { logRunEvents } from '../../controlplane/invocations/run-log.js';
import type { Logger } from '../../shared/logger.js';

function recordingLogger(debugOn: boolean | undefined): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = {
    error: (m) => lines.push(`error ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    info: (m) => lines.push(`info ${m}`),
    debug: (m) => lines.push(`debug ${m}`),
    ...(debugOn === undefined ? {} : { isLevelEnabled: (level: string) => level !== 'debug' || debugOn }),
  };
  return { logger, lines };
}

const event = { invokeId: 't-1', instanceId: 'i-1', run: 1, status: 'Running' as const };

describe('the run lifecycle log', () => {
  it.each([
    ['debug on', true, ['debug run started', 'debug run finished', 'warn run ended by the control plane']],
    ['debug off: only the warning', false, ['warn run ended by the control plane']],
    ['a logger that cannot tell: every line', undefined, ['debug run started', 'debug run finished', 'warn run ended by the control plane']],
  ])('%s', (_label, debugOn, expected) => {
    const { logger, lines } = recordingLogger(debugOn);
    const source = `run-log-${String(debugOn)}`;
    const stop = logRunEvents(source, logger);
    try {
      publishRunEvent('started', { source, ...event });
      publishRunEvent('finished', { source, ...event, status: 'Success', errorCode: '', exitCode: 0 });
      publishRunEvent('swept', { source, ...event, status: 'Failed', errorCode: 'InstanceLost' });
      publishRunEvent('started', { source: 'another server', ...event });
    } finally {
      stop();
    }
    expect(lines).toEqual(expected);
  });
});
