import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdjustableClock, formatApiTime, type Clock } from '../../shared/clock.js';

export const ADMIN_CLOCK_PATH = '/casim/admin/clock';

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * The time-control endpoint (only with `casim server --time-control`):
 * `GET /casim/admin/clock` shows simulated time; `POST /casim/admin/clock/advance?seconds=N`
 * moves it forward and runs the schedules that became due. Loopback tooling for tests, unsigned.
 */
export function handleTimeControl(request: IncomingMessage, response: ServerResponse, clock: Clock, afterAdvance: () => void): void {
  if (!(clock instanceof AdjustableClock)) {
    reply(response, 404, { Code: 'TimeControl.Disabled', Message: 'Start the server with --time-control to use this endpoint.' });
    return;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'GET' && url.pathname === ADMIN_CLOCK_PATH) {
    reply(response, 200, { Now: formatApiTime(clock.now()), RealNow: formatApiTime(new Date()) });
    return;
  }
  if (request.method === 'POST' && url.pathname === `${ADMIN_CLOCK_PATH}/advance`) {
    const seconds = Number(url.searchParams.get('seconds'));
    if (!Number.isFinite(seconds) || seconds < 0) {
      reply(response, 400, { Code: 'InvalidParameter.Seconds', Message: 'seconds must be a number ≥ 0.' });
      return;
    }
    clock.advance(seconds * 1000);
    afterAdvance();
    reply(response, 200, { Now: formatApiTime(clock.now()) });
    return;
  }
  reply(response, 404, { Code: 'InvalidAction.NotFound', Message: 'Specified api is not found, please check your url and method.' });
}
