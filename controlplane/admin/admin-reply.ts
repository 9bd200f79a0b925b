import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiError, type ApiErrorCode } from '../api/errors.js';
import { errorBody } from '../api/http-api.js';
import { ClientAbortedError } from '../api/client-aborted.js';
import { readRequestBody } from '../api/request-body.js';
import { newRequestId } from '../ids.js';

/** A JSON answer of an admin endpoint (/casim/admin/…). */
export function adminReply(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** An admin endpoint's error, in the API's envelope (RequestId, HostId, Code, Message, Recommend). */
export function adminFail(response: ServerResponse, code: ApiErrorCode, detail = ''): void {
  const error = apiError(code, detail);
  const requestId = newRequestId();
  response.setHeader('x-acs-request-id', requestId);
  adminReply(response, error.status, errorBody(error, requestId));
}

/**
 * The request's body as text, at most `maxBytes` (null when it is longer); `undefined` when the
 * client went away before sending it all, which is no error of the server's (nothing is
 * answered then).
 */
export async function readAdminBody(request: IncomingMessage, maxBytes: number): Promise<string | null | undefined> {
  try {
    return (await readRequestBody(request, maxBytes))?.toString('utf8') ?? null;
  } catch (error) {
    if (error instanceof ClientAbortedError) return undefined;
    throw error;
  }
}
