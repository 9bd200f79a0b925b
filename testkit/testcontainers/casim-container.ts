import { GenericContainer, getContainerRuntimeClient, log, RandomPortGenerator, Wait } from 'testcontainers';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../../controlplane/access-keys.js';
import type { CasimCredentials } from '../types.js';
import { formatLabels, newSession, removeOrphanedSessions } from './session-labels.js';
import { StartedCasimContainer } from './started-casim-container.js';

/** The server image (images/server/Dockerfile); CASIM_SERVER_IMAGE overrides it. */
export const DEFAULT_SERVER_IMAGE = 'casim/server';
const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * casim as a testcontainers module: the control plane in a `casim/server` container that starts
 * Docker instances (`casim/instance`) on the same engine.
 *
 *   const casim = await new CasimContainer().withInstances(3).withTimeControl().start();
 *
 * The server runs on the host network (its instances do too, and reach it on 127.0.0.1), on a
 * free port unless withPort() says otherwise. Every container carries a session label; start()
 * first removes the containers of sessions whose test process died.
 */
export class CasimContainer extends GenericContainer {
  private instances = 0;
  private instanceName = 'casim';
  private instanceImage: string | undefined;
  private timeControl = false;
  private admin = false;
  private port: number | undefined;
  private credentials: CasimCredentials = { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET, regionId: 'cn-hangzhou' };
  private instancesTimeoutMs = 120_000;

  constructor(image = process.env.CASIM_SERVER_IMAGE ?? DEFAULT_SERVER_IMAGE) {
    super(image);
    this.withStartupTimeout(60_000);
  }

  /** Docker instances to start once the server is up (RunInstances; default 0). */
  withInstances(count: number, options: { name?: string; timeoutMs?: number } = {}): this {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('instances must be an integer ≥ 0');
    this.instances = count;
    if (options.name !== undefined) this.instanceName = options.name;
    if (options.timeoutMs !== undefined) this.instancesTimeoutMs = options.timeoutMs;
    return this;
  }

  /** The image of the instances (default casim/instance, or CASIM_INSTANCE_IMAGE). */
  withInstanceImage(image: string): this {
    this.instanceImage = image;
    return this;
  }

  /** Simulated time that `clock.advance(seconds)` moves forward (CASIM_TIME_CONTROL=1). */
  withTimeControl(): this {
    this.timeControl = true;
    return this;
  }

  /** Simulated time and fault injection (`casim.faults.add(…)`): CASIM_ADMIN=1. */
  withAdmin(): this {
    this.admin = true;
    return this;
  }

  /** The port to listen on, on the host network (default: a free one). */
  withPort(port: number): this {
    this.port = port;
    return this;
  }

  withAccessKey(accessKeyId: string, accessKeySecret: string): this {
    this.credentials = { ...this.credentials, accessKeyId, accessKeySecret };
    return this;
  }

  withRegionId(regionId: string): this {
    this.credentials = { ...this.credentials, regionId };
    return this;
  }

  override async start(): Promise<StartedCasimContainer> {
    const client = await getContainerRuntimeClient();
    const docker = client.container.dockerode;
    for (const removed of await removeOrphanedSessions(docker)) {
      log.info(`casim: removed ${removed.name} of session ${removed.session}, whose process is gone`, { containerId: removed.id });
    }
    const port = this.port ?? (await new RandomPortGenerator().generatePort());
    const session = newSession();
    const instanceImage = this.instanceImage ?? process.env.CASIM_INSTANCE_IMAGE;
    this.withNetworkMode('host')
      .withLabels(session.labels)
      .withEnvironment({
        CASIM_HOST: '127.0.0.1',
        CASIM_PORT: String(port),
        CASIM_ACCESS_KEY_ID: this.credentials.accessKeyId,
        CASIM_ACCESS_KEY_SECRET: this.credentials.accessKeySecret,
        CASIM_FLEET_LABELS: formatLabels(session.labels),
        ...(this.timeControl ? { CASIM_TIME_CONTROL: '1' } : {}),
        ...(this.admin ? { CASIM_ADMIN: '1' } : {}),
        ...(instanceImage ? { CASIM_INSTANCE_IMAGE: instanceImage } : {}),
      })
      .withBindMounts([{ source: DOCKER_SOCKET, target: DOCKER_SOCKET }])
      .withWaitStrategy(Wait.forLogMessage(/casim server on /));
    const started = await super.start();
    const casim = new StartedCasimContainer(started, docker, session, this.credentials, port);
    try {
      if (this.instances > 0) await casim.addInstances(this.instances, { name: this.instanceName, timeoutMs: this.instancesTimeoutMs });
    } catch (error) {
      await casim.stop();
      throw error;
    }
    return casim;
  }
}
