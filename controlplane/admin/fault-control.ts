import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatApiTime } from '../../shared/clock.js';
import { adminFail as fail, adminReply as reply, readAdminBody } from './admin-reply.js';
import type { FaultRegistry } from '../faults/fault-registry.js';
import { parseFaultInput, type Fault } from '../faults/fault-spec.js';

export const ADMIN_FAULTS_PATH = '/casim/admin/faults';
/** A fault is a few hundred bytes; anything much larger is not one. */
const MAX_FAULT_BODY_BYTES = 64 * 1024;

/** A fault as the endpoint shows it: its spec, flat, with id, times and counts. */
export interface FaultView {
  id: string;
  kind: Fault['spec']['kind'];
  createdTime: string;
  /** null: no expiry. */
  expireTime: string | null;
  /** null: not counted. */
  remaining: number | null;
  fired: number;
  [field: string]: unknown;
}

export function faultView(fault: Fault): FaultView {
  return {
    id: fault.id,
    ...fault.spec,
    createdTime: fault.createdTime,
    expireTime: fault.expiresAtMs === null ? null : formatApiTime(new Date(fault.expiresAtMs)),
    remaining: fault.remaining,
    fired: fault.fired,
  };
}

/**
 * The fault-injection endpoint (only with `casim server --admin`), unsigned loopback tooling:
 * `GET /casim/admin/faults` lists the faults in force, `POST` adds one (a JSON body, validated
 * as hostile: controlplane/faults/fault-spec.ts), `DELETE /casim/admin/faults/<id>` removes one,
 * `DELETE /casim/admin/faults` removes them all. Errors are catalogued: 404 Admin.Disabled,
 * 400 InvalidFault.Malformed, 404 InvalidFaultId.NotFound.
 */
export async function handleFaultControl(request: IncomingMessage, response: ServerResponse, faults: FaultRegistry | undefined): Promise<void> {
  if (!faults) {
    request.resume();
    fail(response, 'Admin.Disabled');
    return;
  }
  const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
  const method = request.method ?? 'GET';
  if (path === ADMIN_FAULTS_PATH) {
    if (method === 'GET') return reply(response, 200, { faults: faults.list().map(faultView) });
    if (method === 'DELETE') return reply(response, 200, { cleared: faults.clear() });
    if (method === 'POST') {
      const text = await readAdminBody(request, MAX_FAULT_BODY_BYTES);
      if (text === undefined) return; // the client went away mid-body: nobody to answer
      if (text === null) return fail(response, 'InvalidFault.Malformed', `the body exceeds ${MAX_FAULT_BODY_BYTES} bytes`);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail(response, 'InvalidFault.Malformed', 'the body is not JSON');
      }
      const parsed = parseFaultInput(value);
      if (!parsed.ok) return fail(response, 'InvalidFault.Malformed', parsed.reason);
      return reply(response, 201, { fault: faultView(faults.add(parsed.spec)) });
    }
  } else if (path.startsWith(`${ADMIN_FAULTS_PATH}/`) && method === 'DELETE') {
    const id = safeDecode(path.slice(ADMIN_FAULTS_PATH.length + 1));
    return faults.remove(id) ? reply(response, 200, { removed: id }) : fail(response, 'InvalidFaultId.NotFound');
  }
  request.resume();
  fail(response, 'InvalidAction.NotFound');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
