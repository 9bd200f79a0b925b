import type { ApiClient } from '../cli/api-client.js';
import { startSimulatedFleet } from './simulated-fleet.js';

export interface LoadgenOptions {
  agents: number;
  server: string;
  concurrency: number;
  client: Pick<ApiClient, 'call'>;
  write: (text: string) => void;
}

/** `casim loadgen`: starts the fleet, reports tasks answered every 10 s, stops on SIGINT/SIGTERM. */
export async function runLoadgen(options: LoadgenOptions): Promise<void> {
  const started = Date.now();
  const fleet = await startSimulatedFleet({ server: options.server, client: options.client, count: options.agents, concurrency: options.concurrency });
  options.write(`${fleet.agents.length} simulated agents connected in ${((Date.now() - started) / 1000).toFixed(1)} s (e.g. ${fleet.instanceIds[0] ?? ''})\n`);
  const report = setInterval(() => {
    const tasks = fleet.agents.reduce((n, a) => n + a.tasksRun, 0);
    options.write(`tasks answered: ${tasks}\n`);
  }, 10_000);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(report);
  fleet.stop();
}
