/** Starts and removes the machines behind ECS-style instances. */
export interface Fleet {
  /** Starts a machine whose agent will connect as `instanceId` with `secret`; returns its container ID. */
  start(instanceId: string, secret: string, imageId: string): Promise<string>;
  remove(containerId: string): Promise<void>;
  /** Stops the machine (its agent and scripts die with it). */
  stop(containerId: string): Promise<void>;
  /** Starts a stopped machine again: a boot. */
  resume(containerId: string): Promise<void>;
  /** Reboots the machine. */
  restart(containerId: string): Promise<void>;
  readonly defaultImage: string;
  /** False for a server started without a fleet: RunInstances is then refused. */
  readonly available: boolean;
}

/** A fleet for a server started without Docker: RunInstances is refused. */
export class NoFleet implements Fleet {
  readonly defaultImage = '';
  readonly available = false;
  start(): Promise<string> {
    return Promise.reject(new Error('this server has no Docker fleet (start it with --fleet docker)'));
  }
  remove(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  resume(): Promise<void> {
    return Promise.resolve();
  }
  restart(): Promise<void> {
    return Promise.resolve();
  }
}
