import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import type { Logger } from '../../shared/logger.js';
import type { DockerFleetOptions } from './docker-fleet-options.js';
import type { Fleet } from './fleet.js';

export const DEFAULT_INSTANCE_IMAGE = 'casim/instance';
export const INSTANCE_LABEL = 'casim.instance';
/** The control plane an instance's agent connects to (its URL as the container sees it). */
export const SERVER_LABEL = 'casim.server';
/** The Docker daemon's socket, shared with instances (see dockerSocketBinds). */
export const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Gives an instance a Docker daemon to reach, so ContainerId / ContainerName tasks can run in
 * containers "on" it (agent/runner/container-runner.ts): the host's socket is bind-mounted into
 * the instance when it exists. A simplification: the containers on a Docker instance are the
 * host's containers, the same for every instance (its own container and its siblings included),
 * not a daemon of its own.
 */
function dockerSocketBinds(): string[] {
  return existsSync(DOCKER_SOCKET) ? [`${DOCKER_SOCKET}:${DOCKER_SOCKET}`] : [];
}

/**
 * Instances as Docker containers on the host network (no bridge networks: agents reach the
 * control plane on loopback). Uses the Docker Engine API through dockerode.
 */
export class DockerFleet implements Fleet {
  private readonly docker = new Docker();
  readonly available = true;
  readonly defaultImage: string;
  private readonly labels: Readonly<Record<string, string>>;

  constructor(
    /** The control plane URL as seen from a container on the host network. */
    private readonly serverUrl: () => string,
    private readonly logger: Logger,
    options: DockerFleetOptions = {},
  ) {
    this.defaultImage = options.image ?? DEFAULT_INSTANCE_IMAGE;
    this.labels = options.labels ?? {};
  }

  async start(instanceId: string, secret: string, imageId: string): Promise<string> {
    const name = `casim-${instanceId}`;
    this.logger.info('docker: creating instance container', { instanceId, image: imageId, name });
    const container = await this.docker.createContainer({
      name,
      Image: imageId,
      Hostname: instanceId,
      Env: [`CASIM_SERVER=${this.serverUrl()}`, `CASIM_INSTANCE_ID=${instanceId}`, `CASIM_INSTANCE_SECRET=${secret}`],
      Labels: { ...this.labels, [INSTANCE_LABEL]: instanceId, [SERVER_LABEL]: this.serverUrl() },
      HostConfig: { NetworkMode: 'host', Init: true, Binds: dockerSocketBinds() },
    });
    await container.start();
    this.logger.info('docker: instance container started', { instanceId, containerId: container.id });
    return container.id;
  }

  async stop(containerId: string): Promise<void> {
    this.logger.info('docker: stopping instance container', { containerId });
    await ignoreNotModified(this.docker.getContainer(containerId).stop({ t: 5 }));
  }

  async resume(containerId: string): Promise<void> {
    this.logger.info('docker: starting instance container', { containerId });
    await ignoreNotModified(this.docker.getContainer(containerId).start());
  }

  async restart(containerId: string): Promise<void> {
    this.logger.info('docker: restarting instance container', { containerId });
    await this.docker.getContainer(containerId).restart({ t: 5 });
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

/** Docker answers 304 when a container already is in the wanted state. */
async function ignoreNotModified(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 304) throw error;
  }
}
