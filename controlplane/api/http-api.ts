import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../shared/logger.js';
import type { NonceCache } from '../auth/nonce-cache.js';
import { verifyRequest, type SecretLookup } from '../auth/verify-request.js';
import type { VerifyInput } from '../auth/verify-input.js';
import { toVerifyInput } from '../auth/wire-request.js';
import { formatApiTime } from '../../shared/clock.js';
import { newRequestId } from '../ids.js';
import { ClientAbortedError } from './client-aborted.js';
import { withClientToken } from './idempotency.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import { CATALOG, isActionName } from './catalog.js';
import { ApiError, apiError, fromDomainError, missingParameter, type ApiErrorCode } from './errors.js';
import { DomainError } from '../domain/domain-error.js';
import type { ApiContext } from './handlers/context.js';
import { HANDLERS } from './handlers/index.js';
import { mergeParams, type RawParams } from './request-params.js';
import { renderError, renderSuccess, responseFormat, type RenderedBody, type ResponseFormat } from './response-format.js';
import { MAX_BODY_BYTES } from './request-limits.js';
import { validateParams } from './validate-params.js';
import type { Body } from './views.js';
import { publishApiCall } from './api-call-events.js';
import { readRequestBody } from './request-body.js';

export const API_VERSION = '2014-05-26';
export const HOST_ID = 'ecs.aliyuncs.com';

export interface ApiOptions {
  context: ApiContext;
  lookupSecret: SecretLookup;
  nonces: NonceCache;
  logger: Logger;
  /** Back-pressure: a call that finds no token is refused with Throttling before any work. */
  limiter?: { take(): boolean };
  /** Fault injection (controlplane/faults/api-faults.ts), checked once per call; absent = none. */
  faults?: ApiFaultHook;
  /** The server's event source (`casim:api:call`); absent = not published. */
  source?: string;
}

/** Called once per authenticated call of a known Action: may wait, or throw the ApiError to answer. */
export interface ApiFaultHook {
  /** Pushes the id of each fault it applied to `applied`. */
  beforeCall(call: { action: string; regionId: string; accessKeyId: string }, requestId: string, applied: string[]): Promise<void>;
}

function send(response: ServerResponse, status: number, rendered: RenderedBody): void {
  response.writeHead(status, { 'content-type': rendered.contentType, 'content-length': Buffer.byteLength(rendered.text) });
  response.end(rendered.text);
}

/** The error envelope of spec §1.5: RequestId, HostId, Code, Message, Recommend. */
export function errorBody(error: ApiError, requestId: string): Body {
  return {
    RequestId: requestId,
    HostId: HOST_ID,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Ecs&requestId=${requestId}`,
  };
}

/** Authenticates, validates and runs one API call; returns the action name for the log. */
async function call(input: VerifyInput, params: RawParams, options: ApiOptions, requestId: string, faultIds: string[]): Promise<{ action: string; result: Body }> {
  const { context } = options;
  // Request timestamps are real time, also while the simulated clock runs ahead.
  const auth = verifyRequest(input, options.lookupSecret, new Date(), options.nonces);
  if (!auth.ok) {
    switch (auth.error) {
      case 'MissingParameter.Action':
        throw missingParameter('Action');
      case 'MissingParameter.Version':
        throw missingParameter('Version');
      case 'SignatureDoesNotMatch':
        throw apiError('SignatureDoesNotMatch', auth.detail ?? '');
      default:
        throw apiError(auth.error satisfies ApiErrorCode);
    }
  }
  if (auth.version !== API_VERSION) throw apiError('InvalidVersion');
  if (!isActionName(auth.action)) throw apiError('InvalidAction.NotFound');
  const action = auth.action;
  await options.faults?.beforeCall({ action, regionId: params.get('RegionId') ?? '', accessKeyId: auth.accessKeyId }, requestId, faultIds);
  const args = validateParams(params, CATALOG[action]);
  // What agents reported in this turn of the event loop is committed before the call reads it.
  context.store.flush();
  const scope = { accessKeyId: auth.accessKeyId, action, token: args.string('ClientToken') };
  const result = await withClientToken(context.store, scope, params, formatApiTime(context.clock.now()), () => HANDLERS[action](args, context));
  return { action, result };
}

/**
 * The RPC-style API at `/`: GET or POST, query and form body merged, signed with V1 or V3.
 * Client mistakes get the exact Alibaba error; anything else is a logged 500 InternalError.
 * One log line per call: action, HTTP status, error code, duration, RequestId.
 */
export async function handleApiRequest(request: IncomingMessage, response: ServerResponse, options: ApiOptions): Promise<void> {
  const started = performance.now();
  const requestId = newRequestId();
  let action = request.headers['x-acs-action']?.toString() ?? '-';
  let status = 200;
  let code = '';
  let format: ResponseFormat = 'JSON';
  const faultIds: string[] = [];
  let aborted = false;
  try {
    const body = await readRequestBody(request, MAX_BODY_BYTES);
    const input = toVerifyInput({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: body ?? Buffer.alloc(0) });
    const params = mergeParams(input.queryParams, input.bodyParams);
    format = responseFormat(params, request.headers.accept);
    action = params.get('Action') ?? action;
    if (body === null) throw apiError('InvalidParameter');
    if (options.limiter && !options.limiter.take()) throw apiError('Throttling');
    const outcome = await call(input, params, options, requestId, faultIds);
    action = outcome.action;
    send(response, 200, renderSuccess({ RequestId: requestId, ...outcome.result }, outcome.action, format));
  } catch (caught) {
    if (caught instanceof ClientAbortedError) {
      aborted = true; // nothing to answer: the client is gone
      return;
    }
    const error =
      caught instanceof ApiError
        ? caught
        : caught instanceof DomainError
          ? fromDomainError(caught)
          : isStoreUnavailable(caught)
          ? (options.logger.warn('store unavailable', { requestId, error: (caught as Error).message }), apiError('ServiceUnavailable'))
          : (options.logger.error('internal error', { requestId, error: (caught as Error).stack }), apiError('InternalError'));
    status = error.status;
    code = error.code;
    send(response, error.status, renderError(errorBody(error, requestId), format));
  } finally {
    const durationMs = performance.now() - started;
    const faults = faultIds.length > 0 ? ` fault ${faultIds.join(',')}` : '';
    const outcome = aborted ? 'client aborted the request' : `${status}${code ? ' ' + code : ''}`;
    options.logger.info(`api ${action} ${outcome} ${durationMs.toFixed(1)}ms ${requestId}${faults}`);
    if (options.source !== undefined && !aborted) publishApiCall({ source: options.source, action, status, code, durationMs, requestId, faultIds });
  }
}
