import Docker from 'dockerode';
import type { Logger } from '../../shared/logger.js';
import type { Fleet } from './fleet.js';

export const DEFAULT_INSTANCE_IMAGE = 'casim/instance';
export const INSTANCE_LABEL = 'casim.instance';

/**
 * Instances as Docker containers on the host network (no bridge networks: agents reach the
 * control plane on loopback). Uses the Docker Engine API through dockerode.
 */
export class DockerFleet implements Fleet {
  private readonly docker = new Docker();

  constructor(
    /** The control plane URL as seen from a container on the host network. */
    private readonly serverUrl: () => string,
    private readonly logger: Logger,
    readonly defaultImage = DEFAULT_INSTANCE_IMAGE,
  ) {}

  async start(instanceId: string, secret: string, imageId: string): Promise<string> {
    const name = `casim-${instanceId}`;
    this.logger.info('docker: creating instance container', { instanceId, image: imageId, name });
    const container = await this.docker.createContainer({
      name,
      Image: imageId,
      Hostname: instanceId,
      Env: [`CASIM_SERVER=${this.serverUrl()}`, `CASIM_INSTANCE_ID=${instanceId}`, `CASIM_INSTANCE_SECRET=${secret}`],
      Labels: { [INSTANCE_LABEL]: instanceId },
      HostConfig: { NetworkMode: 'host', Init: true },
    });
    await container.start();
    this.logger.info('docker: instance container started', { instanceId, containerId: container.id });
    return container.id;
  }

  async remove(containerId: string): Promise<void> {
    this.logger.info('docker: removing instance container', { containerId });
    try {
      await this.docker.getContainer(containerId).remove({ force: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return; // already gone
      throw error;
    }
  }
}
