import type { Logger } from '../../shared/logger.js';
import { subscribeRunEvents } from './run-events.js';

/** The run lifecycle in the log: one line per step (output chunks at debug). Returns the unsubscribe. */
export function logRunEvents(source: string, logger: Logger): () => void {
  return subscribeRunEvents(source, (name, event) => {
    const fields = { invokeId: event.invokeId, instanceId: event.instanceId, run: event.run, status: event.status };
    switch (name) {
      case 'output':
        logger.debug('run output', { ...fields, bytes: event.bytes });
        return;
      case 'swept':
        logger.warn('run ended by the control plane', { ...fields, errorCode: event.errorCode });
        return;
      case 'finished':
        logger.info('run finished', { ...fields, errorCode: event.errorCode, exitCode: event.exitCode });
        return;
      default:
        logger.debug(`run ${name}`, fields);
    }
  });
}
