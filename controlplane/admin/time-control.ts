import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdjustableClock, formatApiTime, type Clock } from '../../shared/clock.js';
import { adminFail as fail, adminReply as reply } from './admin-reply.js';
import { advanceMs } from './advance-range.js';

export const ADMIN_CLOCK_PATH = '/casim/admin/clock';

/**
 * The time-control endpoint (only with `casim server --time-control`):
 * `GET /casim/admin/clock` shows simulated time; `POST /casim/admin/clock/advance?seconds=N`
 * moves it forward and runs the schedules that became due; N is 0 to 315 360 000 (10 years) and
 * an advance may reach the end of the year 9998 at the latest (advance-range.ts), else 400
 * InvalidParameter.Seconds. Loopback tooling for tests, unsigned.
 */
export function handleTimeControl(request: IncomingMessage, response: ServerResponse, clock: Clock, afterAdvance: () => void): void {
  if (!(clock instanceof AdjustableClock)) {
    fail(response, 'TimeControl.Disabled');
    return;
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'GET' && url.pathname === ADMIN_CLOCK_PATH) {
    reply(response, 200, { Now: formatApiTime(clock.now()), RealNow: formatApiTime(new Date()) });
    return;
  }
  if (request.method === 'POST' && url.pathname === `${ADMIN_CLOCK_PATH}/advance`) {
    const ms = advanceMs(url.searchParams.get('seconds') ?? '', clock.now().getTime());
    if (ms === null) {
      fail(response, 'InvalidParameter.Seconds');
      return;
    }
    clock.advance(ms);
    afterAdvance();
    reply(response, 200, { Now: formatApiTime(clock.now()) });
    return;
  }
  fail(response, 'InvalidAction.NotFound');
}
