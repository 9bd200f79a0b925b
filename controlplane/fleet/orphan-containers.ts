import Docker from 'dockerode';
import { INSTANCE_LABEL, SERVER_LABEL } from './docker-fleet.js';

/** The Docker label filter for the instance containers of the control plane at `serverUrl`. Pure. */
export function instancesOfServerFilter(serverUrl: string): { label: string[] } {
  return { label: [INSTANCE_LABEL, `${SERVER_LABEL}=${serverUrl}`] };
}

/**
 * Removes (forcibly) every instance container made for the control plane at `serverUrl`. Only
 * for a control plane that is not running: its instances are orphans (their agents have nothing
 * to connect to). Returns how many were removed.
 */
export async function removeInstanceContainersOf(serverUrl: string, docker: Docker = new Docker()): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: instancesOfServerFilter(serverUrl) });
  for (const info of containers) {
    try {
      await docker.getContainer(info.Id).remove({ force: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error; // already gone
    }
  }
  return containers.length;
}
