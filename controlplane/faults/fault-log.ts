import type { Logger } from '../../shared/logger.js';
import { subscribeFaultInjected } from './fault-events.js';

/** Every injected fault in the log, at warn (a test reading the log sees why a call failed). Returns the unsubscribe. */
export function logFaultEvents(source: string, logger: Logger): () => void {
  return subscribeFaultInjected(source, (event) => {
    const { source: _source, detail, ...fields } = event;
    logger.warn(`fault ${event.faultId} ${event.kind}: ${detail}`, fields);
  });
}
