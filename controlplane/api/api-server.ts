import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from '../../shared/logger.js';
import { answerClientError } from './client-error.js';
import { MAX_REQUEST_HEAD_BYTES } from './request-limits.js';

/**
 * The HTTP server behind the API: request line and headers up to MAX_REQUEST_HEAD_BYTES (the
 * SDKs send every parameter in the URL), and an Alibaba error answer, logged, for a request the
 * parser refuses.
 */
export function createApiServer(logger: Logger, listener?: RequestListener): Server {
  const server = createServer({ maxHeaderSize: MAX_REQUEST_HEAD_BYTES }, listener);
  server.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket) => answerClientError(error, socket, logger));
  return server;
}
