import type { Fleet } from '../../controlplane/fleet/fleet.js';

/** A fleet whose "machines" are registry entries only: no container, no agent. */
export class FakeFleet implements Fleet {
  readonly defaultImage = 'casim/instance';
  readonly available = true;
  private started = 0;
  start(): Promise<string> {
    this.started += 1;
    return Promise.resolve(`fake-container-${this.started}`);
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
