import { asObject, type JsonObject } from './json-read.js';

export const CLOCK_PATH = '/casim/admin/clock';
export const FAULTS_PATH = '/casim/admin/faults';

/**
 * GETs an admin endpoint of this server: its JSON object when it answers 200, else undefined
 * (the feature is off: the clock without --time-control, faults when not enabled), so the page
 * shows the panel only when there is something behind it.
 */
export async function probeAdmin(path: string): Promise<JsonObject | undefined> {
  try {
    const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) return undefined;
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === 'object' && parsed !== null ? asObject(parsed) : undefined;
  } catch {
    return undefined;
  }
}
