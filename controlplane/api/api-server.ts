import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../shared/logger.js';
import { answerClientError, connectionGone } from './client-error.js';
import { MAX_REQUEST_HEAD_BYTES } from './request-limits.js';

/**
 * The HTTP server behind the API: request line and headers up to MAX_REQUEST_HEAD_BYTES (the
 * SDKs send every parameter in the URL), and an Alibaba error answer, logged, for a request the
 * parser refuses.
 */
export function createApiServer(logger: Logger, listener?: RequestListener): Server {
  const server = createServer({ maxHeaderSize: MAX_REQUEST_HEAD_BYTES }, listener);
  // The answers still owed on each connection: a malformed request pipelined behind a valid
  // one is answered after it, in order (the valid call's answer was lost before, its effect not).
  const owed = new WeakMap<Duplex, Map<ServerResponse, IncomingMessage>>();
  server.prependListener('request', (request, response) => {
    const socket = request.socket;
    const calls = owed.get(socket) ?? new Map<ServerResponse, IncomingMessage>();
    owed.set(socket, calls);
    calls.set(response, request);
    response.once('close', () => calls.delete(response));
  });
  server.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket) => {
    const calls = [...(owed.get(socket) ?? [])].filter(([response]) => !response.writableFinished);
    // Deferred only when the error is a later request's: every call before it was read whole.
    // A connection that is gone, or a call cut mid-body, is answered (closed) at once.
    if (connectionGone(error, socket) || calls.length === 0 || calls.some(([, request]) => !request.complete)) return answerClientError(error, socket, logger);
    let left = calls.length;
    const next = (): void => {
      left -= 1;
      if (left === 0) answerClientError(error, socket, logger);
    };
    for (const [response] of calls) response.once('close', next);
  });
  return server;
}
