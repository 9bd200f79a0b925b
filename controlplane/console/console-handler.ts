import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../shared/logger.js';
import { NonceCache } from '../auth/nonce-cache.js';
import type { SecretLookup } from '../auth/verify-request.js';
import { findAssetRoot, readAsset } from './console-assets.js';
import { CONSOLE_PAGE } from './console-page.js';
import { CONSOLE_ASSETS_PATH, CONSOLE_EVENTS_PATH, CONSOLE_PATH, CONSOLE_STYLES_PATH } from './console-paths.js';
import { CONSOLE_STYLES } from './console-styles.js';
import { checkEventStreamRequest } from './event-stream-request.js';
import { EventStreams } from './event-stream.js';
import { isAllowedConsoleHost } from './loopback-host.js';
import { CONSOLE_SECURITY_HEADERS } from './security-headers.js';

export interface ConsoleOptions {
  /** The address the server listens on: loopback limits the console to loopback Host names. */
  readonly listenHost: string;
  readonly lookupSecret: SecretLookup;
  /** The server's run-event `source` (controlplane/invocations/run-events.ts). */
  readonly source: string;
  readonly logger: Logger;
  /** Where the compiled page modules are (default: found next to this module or in dist/). */
  readonly assetRoot?: string;
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer, head: boolean): void {
  response.writeHead(status, { ...CONSOLE_SECURITY_HEADERS, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  response.end(head ? undefined : body);
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * The web console at `/console` (issue 13): a static page, its ES modules, its styles and a
 * signed Server-Sent Events stream of the run lifecycle. The page holds no data and no secret:
 * it signs its own API calls with the key pair the user types in.
 */
export class ConsoleHandler {
  readonly #streams: EventStreams;
  readonly #nonces = new NonceCache();
  readonly #assetRoot: string | undefined;

  constructor(private readonly options: ConsoleOptions) {
    this.#streams = new EventStreams(options.source);
    this.#assetRoot = options.assetRoot ?? findAssetRoot();
    if (this.#assetRoot === undefined) options.logger.warn('console: page modules not built (npm run build); /console answers 503');
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    void this.#route(request, response).catch((error: unknown) => {
      this.options.logger.error('console request failed', { url: request.url, error: (error as Error).message });
      if (!response.headersSent) send(response, 500, TEXT, 'console error\n', false);
      else response.destroy();
    });
  }

  /** Ends the open event streams (server shutdown). */
  close(): void {
    this.#streams.closeAll();
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? '';
    const head = request.method === 'HEAD';
    if (!isAllowedConsoleHost(request.headers.host, this.options.listenHost)) {
      send(response, 403, TEXT, 'the console answers loopback host names only\n', head);
      return;
    }
    if (path === CONSOLE_EVENTS_PATH) {
      const checked = checkEventStreamRequest(request.method ?? '', url, request.headers, this.options.lookupSecret, this.#nonces);
      if (!checked.ok) {
        send(response, checked.status, 'application/json; charset=utf-8', JSON.stringify({ Code: checked.code, Message: checked.message }), false);
        return;
      }
      this.#streams.open(response, checked.filter);
      return;
    }
    if (request.method !== 'GET' && !head) {
      response.setHeader('allow', 'GET, HEAD');
      send(response, 405, TEXT, 'method not allowed\n', false);
      return;
    }
    if (path === CONSOLE_PATH || path === `${CONSOLE_PATH}/`) {
      send(response, 200, 'text/html; charset=utf-8', CONSOLE_PAGE, head);
      return;
    }
    if (path === CONSOLE_STYLES_PATH) {
      send(response, 200, 'text/css; charset=utf-8', CONSOLE_STYLES, head);
      return;
    }
    if (path.startsWith(CONSOLE_ASSETS_PATH)) {
      if (this.#assetRoot === undefined) {
        send(response, 503, TEXT, 'console page modules are not built: run npm run build\n', head);
        return;
      }
      const asset = await readAsset(this.#assetRoot, path.slice(CONSOLE_ASSETS_PATH.length));
      if (asset.found) send(response, 200, 'text/javascript; charset=utf-8', asset.body, head);
      else send(response, 404, TEXT, 'not found\n', head);
      return;
    }
    send(response, 404, TEXT, 'not found\n', head);
  }
}
