import type { Fleet } from '../../controlplane/fleet/fleet.js';

/** A fleet whose "machines" are registry entries only: no container, no agent. */
export class FakeFleet implements Fleet {
  readonly defaultImage = 'casim/instance';
  readonly available = true;
  private started = 0;
  private gate: Promise<void> | undefined;
  /** Makes start() wait until the returned function is called (a machine that boots slowly). */
  holdStarts(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }
  async start(): Promise<string> {
    this.started += 1;
    const n = this.started;
    if (this.gate) await this.gate;
    return `fake-container-${n}`;
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
