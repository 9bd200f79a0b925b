import type { CasimClock } from './types.js';

/** The admin clock path of the control plane (controlplane/admin/time-control.ts). */
const CLOCK_PATH = '/casim/admin/clock';

export class ClockControlError extends Error {
  constructor(readonly code: string, message: string) {
    super(`${code}: ${message}`);
  }
}

/** Simulated time through the server's time-control endpoint (server started with time control). */
export class HttpClock implements CasimClock {
  constructor(private readonly url: string) {}

  now(): Promise<Date> {
    return this.request('GET', CLOCK_PATH);
  }

  advance(seconds: number): Promise<Date> {
    if (!Number.isFinite(seconds) || seconds < 0) return Promise.reject(new RangeError('seconds must be a finite number ≥ 0'));
    return this.request('POST', `${CLOCK_PATH}/advance?seconds=${seconds}`);
  }

  private async request(method: 'GET' | 'POST', path: string): Promise<Date> {
    const response = await fetch(new URL(path, this.url), { method });
    const body = (await response.json()) as { Now?: string; Code?: string; Message?: string };
    if (!response.ok || body.Now === undefined) throw new ClockControlError(body.Code ?? `HTTP ${response.status}`, body.Message ?? 'clock request failed');
    return new Date(body.Now);
  }
}
