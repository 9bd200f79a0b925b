import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Dockerode from 'dockerode';

/** Every container a CasimContainer starts (its server and the server's instances) carries these. */
export const SESSION_LABEL = 'dev.casim.session';
/** The pid of the test process that owns the session. */
export const SESSION_PID_LABEL = 'dev.casim.session-pid';
/** The host that pid lives on: only sessions of this host are reaped here. */
export const SESSION_HOST_LABEL = 'dev.casim.session-host';

export interface Session {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A new session owned by this process. */
export function newSession(): Session {
  const id = randomUUID();
  return { id, labels: { [SESSION_LABEL]: id, [SESSION_PID_LABEL]: String(process.pid), [SESSION_HOST_LABEL]: hostname() } };
}

/** `key=value,key2=value2`, as the server's CASIM_FLEET_LABELS reads it. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

export interface RemovedContainer {
  readonly id: string;
  readonly name: string;
  readonly session: string;
}

async function removeContainer(docker: Dockerode, id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
    return true;
  } catch (error) {
    // 404: already gone (another reaper, or the server removed it); 409: removal in progress.
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404 || status === 409) return false;
    throw error;
  }
}

/** Removes every container of one session (instances first, as listed; the server too). */
export async function removeSessionContainers(docker: Dockerode, sessionId: string): Promise<RemovedContainer[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${sessionId}`] } });
  const removed: RemovedContainer[] = [];
  await Promise.all(
    containers.map(async (c) => {
      if (await removeContainer(docker, c.Id)) removed.push({ id: c.Id, name: c.Names[0] ?? c.Id, session: sessionId });
    }),
  );
  return removed;
}

/**
 * Removes the containers of sessions whose owning process on this host is gone (a test process
 * that was killed before its stop() ran). Sessions of live processes and of other hosts stay.
 */
export async function removeOrphanedSessions(docker: Dockerode): Promise<RemovedContainer[]> {
  const host = hostname();
  const containers = await docker.listContainers({ all: true, filters: { label: [SESSION_PID_LABEL, `${SESSION_HOST_LABEL}=${host}`] } });
  const removed: RemovedContainer[] = [];
  for (const c of containers) {
    const pid = Number(c.Labels[SESSION_PID_LABEL]);
    if (!Number.isInteger(pid) || pid <= 0 || processAlive(pid)) continue;
    if (await removeContainer(docker, c.Id)) removed.push({ id: c.Id, name: c.Names[0] ?? c.Id, session: c.Labels[SESSION_LABEL] ?? '' });
  }
  return removed;
}
