import type Dockerode from 'dockerode';
import { AbstractStartedContainer, log, type StartedTestContainer } from 'testcontainers';
import { ApiClient } from '../../cli/api-client.js';
import { INSTANCE_LABEL } from '../../controlplane/fleet/docker-fleet.js';
import { createEcsClient, type EcsClient, type EcsClientOptions } from '../ecs-client.js';
import { HttpClock } from '../http-clock.js';
import { HttpFaults } from '../http-faults.js';
import type { Casim, CasimApi, CasimClock, CasimFaults, CasimCredentials } from '../types.js';
import { waitForInstancesOnline } from '../wait-online.js';
import { SESSION_LABEL, type Session } from './session-labels.js';

export interface AddInstancesOptions {
  /** InstanceName prefix: `name-1`, `name-2`, … (default `casim`). */
  readonly name?: string;
  /** ImageId (default: the server's instance image, casim/instance). */
  readonly imageId?: string;
  /** How long to wait for their agents to come online (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * A casim server running in a container, with its Docker instances. `stop()` removes the
 * instances (every container of this session) and then the server.
 */
export class StartedCasimContainer extends AbstractStartedContainer implements Casim {
  readonly url: string;
  readonly endpoint: string;
  readonly api: CasimApi;
  readonly clock: CasimClock;
  /** Fault injection (started withAdmin()). */
  readonly faults: CasimFaults;
  private ids: string[] = [];

  constructor(
    started: StartedTestContainer,
    private readonly docker: Dockerode,
    /** The session whose label every container of this casim carries. */
    readonly session: Session,
    readonly credentials: CasimCredentials,
    readonly port: number,
  ) {
    super(started);
    this.url = `http://127.0.0.1:${port}`;
    this.endpoint = `127.0.0.1:${port}`;
    this.api = new ApiClient({ server: this.url, ...credentials });
    this.clock = new HttpClock(this.url);
    this.faults = new HttpFaults(this.url);
  }

  get instanceIds(): readonly string[] {
    return this.ids;
  }

  /** Starts `count` more Docker instances (RunInstances) and waits until their agents are online. */
  async addInstances(count: number, options: AddInstancesOptions = {}): Promise<string[]> {
    const body = await this.api.call<{ InstanceIdSets: { InstanceIdSet: string[] } }>('RunInstances', {
      Amount: count,
      InstanceName: options.name ?? 'casim',
      ...(options.imageId ? { ImageId: options.imageId } : {}),
    });
    const added = body.InstanceIdSets.InstanceIdSet;
    this.ids = [...this.ids, ...added];
    await waitForInstancesOnline(this.api, added, options.timeoutMs ?? 120_000);
    return added;
  }

  /** The Docker container ID behind an instance of this casim. */
  async containerIdOf(instanceId: string): Promise<string | undefined> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${SESSION_LABEL}=${this.session.id}`, `${INSTANCE_LABEL}=${instanceId}`] },
    });
    return containers[0]?.Id;
  }

  ecsClient(options?: EcsClientOptions): Promise<EcsClient> {
    return createEcsClient(this.endpoint, this.credentials, options);
  }

  /** Before the server stops: remove its instances, found by the session label. */
  protected override async containerStopping(): Promise<void> {
    const instances = await this.docker.listContainers({ all: true, filters: { label: [`${SESSION_LABEL}=${this.session.id}`, INSTANCE_LABEL] } });
    await Promise.all(
      instances.map(async (c) => {
        log.info(`casim: removing instance container ${c.Names[0] ?? c.Id} (session ${this.session.id})`, { containerId: c.Id });
        try {
          await this.docker.getContainer(c.Id).remove({ force: true, v: true });
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        }
      }),
    );
  }
}
