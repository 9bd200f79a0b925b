/**
 * Runs `refresh` when triggered, one call at a time: a trigger during a call runs it once more
 * afterwards, and `trailingMs` after the last trigger it runs again. The API stores live output
 * at most every 500 ms, so the trailing call picks up what the event announced but the store had
 * not yet written.
 */
export class Refresher {
  #running = false;
  #again = false;
  #trailing: number | undefined;
  #disposed = false;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly trailingMs: number,
  ) {}

  trigger(): void {
    if (this.#disposed) return;
    clearTimeout(this.#trailing);
    this.#trailing = window.setTimeout(() => void this.#run(), this.trailingMs);
    void this.#run();
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#trailing);
  }

  async #run(): Promise<void> {
    if (this.#disposed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      await this.refresh();
    } finally {
      this.#running = false;
      if (this.#again && !this.#disposed) {
        this.#again = false;
        void this.#run();
      }
    }
  }
}
