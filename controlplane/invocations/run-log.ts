import type { Logger } from '../../shared/logger.js';
import { subscribeRunEvents } from './run-events.js';

/**
 * The run lifecycle in the log, at debug: at fleet scale a line per run is thousands a second.
 * Runs the control plane had to end (agent lost, undelivered) are warnings. Returns the unsubscribe.
 */
export function logRunEvents(source: string, logger: Logger): () => void {
  return subscribeRunEvents(source, (name, event) => {
    // Thousands of events a second at fleet scale: nothing is built for a debug line that is off.
    if (name !== 'swept' && logger.isLevelEnabled?.('debug') === false) return;
    const fields = { invokeId: event.invokeId, instanceId: event.instanceId, run: event.run, status: event.status };
    switch (name) {
      case 'output':
        logger.debug('run output', { ...fields, bytes: event.bytes });
        return;
      case 'swept':
        logger.warn('run ended by the control plane', { ...fields, errorCode: event.errorCode });
        return;
      case 'finished':
        logger.debug('run finished', { ...fields, errorCode: event.errorCode, exitCode: event.exitCode });
        return;
      default:
        logger.debug(`run ${name}`, fields);
    }
  });
}
