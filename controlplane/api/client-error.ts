import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../shared/logger.js';
import { newRequestId } from '../ids.js';
import { apiError, type ApiError } from './errors.js';
import { errorBody } from './http-api.js';
import { MAX_REQUEST_HEAD_BYTES } from './request-limits.js';
import { renderError, type ResponseFormat } from './response-format.js';

/**
 * The format of an answer to a request the HTTP parser refused, from the bytes it had read
 * (only the part where it stopped is known): XML only when they ask for it (`Format=XML`, or an
 * `accept` header naming xml and no `Format`); JSON, what the SDKs ask for, otherwise. Pure.
 */
export function formatOfRawRequest(raw: string): ResponseFormat {
  const format = /[?&]Format=([A-Za-z]+)/i.exec(raw)?.[1]?.toUpperCase();
  if (format === 'XML' || format === 'JSON') return format;
  const accept = /\r\naccept:([^\r\n]*)/i.exec(raw)?.[1]?.toLowerCase() ?? '';
  return accept.includes('xml') && !accept.includes('json') ? 'XML' : 'JSON';
}

/** The parser's error code → the API error it is answered with. Pure. */
export function clientErrorToApiError(code: string | undefined): ApiError {
  if (code === 'HPE_HEADER_OVERFLOW') return apiError('Request.TooLarge', String(MAX_REQUEST_HEAD_BYTES));
  return apiError('InvalidParameter');
}

/** A complete HTTP/1.1 response (the connection closes after it). Pure. */
export function rawErrorResponse(error: ApiError, requestId: string, format: ResponseFormat): string {
  const rendered = renderError(errorBody(error, requestId), format);
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    `content-type: ${rendered.contentType}`,
    `content-length: ${Buffer.byteLength(rendered.text)}`,
    `x-acs-request-id: ${requestId}`,
    'connection: close',
    '',
    rendered.text,
  ].join('\r\n');
}

const answered = new WeakSet<Duplex>();
/** Time for the client to finish sending and read the answer before the socket is destroyed. */
const LINGER_MS = 5_000;

/** Whether the parser's error says the client has gone (reset, broken pipe): nobody to answer. Pure. */
export function connectionGone(error: { code?: string }, socket: Pick<Duplex, 'writable'>): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable;
}

/**
 * The server's `clientError` handler: a request the HTTP parser refuses (too large, malformed)
 * gets the Alibaba error envelope and one log line, never a silent close. The rest of what the
 * client sends is read and dropped, so closing does not reset the connection before the client
 * has read the answer.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex, logger: Logger): void {
  if (connectionGone(error, socket)) {
    socket.destroy();
    return;
  }
  answerAndClose(socket, clientErrorToApiError(error.code), formatOfRawRequest(error.rawPacket?.toString('latin1') ?? ''), error.code ?? error.message, logger);
}

/**
 * Answers `apiErr` on a connection no HTTP response will use, logs it, and closes: the rest of
 * what the client sends is read and dropped, so closing does not reset the connection before
 * the client has read the answer.
 */
function answerAndClose(socket: Duplex, apiErr: ApiError, format: ResponseFormat, why: string, logger: Logger): void {
  if (!socket.writable || answered.has(socket)) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const requestId = newRequestId();
  logger.warn(`api - ${apiErr.status} ${apiErr.code} 0.0ms ${requestId} (${why})`);
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
  socket.end(rawErrorResponse(apiErr, requestId, format));
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/**
 * A request the API does not serve on its own connection: a protocol upgrade anywhere but the
 * agents' path (`Upgrade: h2c`, as `curl --http2` sends; a WebSocket on `/`) or a CONNECT. Node
 * hands these over without an HTTP response; they get the Alibaba error envelope (400
 * InvalidParameter, JSON unless they ask for XML) and the connection closes, as for a request
 * the parser refuses.
 */
export function answerUnservedRequest(request: IncomingMessage, socket: Duplex, logger: Logger): void {
  const format = formatOfRawRequest(`${request.url ?? ''}\r\naccept:${request.headers.accept ?? ''}`);
  const what = request.headers.upgrade ? `upgrade to ${String(request.headers.upgrade)}` : 'tunnel';
  answerAndClose(socket, apiError('InvalidParameter'), format, `${request.method ?? '?'} ${what} not served`, logger);
}
