/**
 * The order of `make demo`'s start and end, with every effect injected (cli/demo.ts wires the
 * real ones: a detached server process, the API, Docker), so the ordering is unit-tested.
 *
 * Start: when no server answers, the demo owns one. It first removes the containers a crashed
 * demo left (by Docker label: the instances of a control plane on the demo's port, which is not
 * running), then starts its server, then deletes the instance records that server still has
 * from the crashed run. A server that already answers is the user's: nothing is removed.
 * End (Ctrl-C, SIGTERM, SIGHUP or CASIM_DEMO_EXIT=1): the instances are removed through the
 * API first, while the server still runs (on a server the demo does not own, only the ones it
 * made), then its server is stopped, even when removing failed.
 */

export interface DemoDeps {
  serverAnswers(): Promise<boolean>;
  /** Removes the containers of a previous demo whose server is gone; how many. */
  removeOrphanContainers(): Promise<number>;
  /** Starts the demo's own server; resolves when it answers, with a function that stops it. */
  startServer(): Promise<() => Promise<void>>;
  /** Deletes fleet instances through the API: `ids`, or all of them (fleet down); their IDs. */
  removeInstances(ids?: readonly string[]): Promise<string[]>;
  say(text: string): void;
}

export class DemoSession {
  private stopServer: (() => Promise<void>) | undefined;
  private ending: Promise<void> | undefined;
  private readonly created: string[] = [];

  constructor(private readonly deps: DemoDeps) {}

  /** Whether the demo started (and so will stop) the server. */
  get ownsServer(): boolean {
    return this.stopServer !== undefined;
  }

  async begin(): Promise<void> {
    const { deps } = this;
    if (await deps.serverAnswers()) {
      deps.say('casim: a server already answers; using it (its instances are left alone)');
      return;
    }
    const orphans = await deps.removeOrphanContainers();
    if (orphans > 0) deps.say(`casim: removed ${orphans} container(s) left by an earlier demo`);
    this.stopServer = await deps.startServer();
    const stale = await deps.removeInstances();
    if (stale.length > 0) deps.say(`casim: removed ${stale.length} instance record(s) left by an earlier demo`);
  }

  /** The instances the demo made (on a server it does not own, only these are removed). */
  track(ids: readonly string[]): void {
    this.created.push(...ids);
  }

  /**
   * Removes the instances (all of them on its own server, else only the ones it made), then
   * stops its server. Idempotent: every call shares one ending.
   */
  end(): Promise<void> {
    this.ending ??= this.runEnd();
    return this.ending;
  }

  private async runEnd(): Promise<void> {
    const { deps } = this;
    deps.say('casim: removing the demo instances ...');
    try {
      const removed = this.ownsServer ? await deps.removeInstances() : this.created.length > 0 ? await deps.removeInstances(this.created) : [];
      deps.say(`casim: removed ${removed.length} instance(s)`);
    } finally {
      if (this.stopServer) {
        deps.say('casim: stopping the server ...');
        await this.stopServer();
      }
    }
  }
}

/**
 * What a signal does: the first one ends the session and exits (0 when the ending went well,
 * 1 when not); a second one while it is ending exits at once (1).
 */
export function interruptHandler(session: Pick<DemoSession, 'end'>, exit: (code: number) => void, say: (text: string) => void): () => void {
  let interrupted = false;
  return () => {
    if (interrupted) {
      say('casim: interrupted again; exiting without waiting (instances may be left; the next demo removes them)');
      exit(1);
      return;
    }
    interrupted = true;
    session.end().then(
      () => exit(0),
      (error: unknown) => {
        say(`casim demo: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
}
