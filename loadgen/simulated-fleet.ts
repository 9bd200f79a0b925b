import type { ApiClient } from '../cli/api-client.js';
import { SimulatedAgent, type SimulatedAgentOptions } from './simulated-agent.js';

/** CreateActivation registers at most this many instances (catalog InstanceCount max). */
const PER_ACTIVATION = 1000;

export interface SimulatedFleetOptions {
  /** Control plane URL (agents connect to its /agent). */
  server: string;
  /** Makes the activations (CreateActivation). */
  client: Pick<ApiClient, 'call'>;
  count: number;
  /** Agents registering at the same time. */
  concurrency?: number;
  namePrefix?: string;
  onMessage?: SimulatedAgentOptions['onMessage'];
}

export interface SimulatedFleet {
  agents: SimulatedAgent[];
  instanceIds: string[];
  stop(): void;
}

/** Starts `count` simulated agents: activations of up to 1,000 instances each, then registration. */
export async function startSimulatedFleet(options: SimulatedFleetOptions): Promise<SimulatedFleet> {
  const activations: Array<{ id: string; code: string }> = [];
  for (let left = options.count; left > 0; left -= PER_ACTIVATION) {
    const { ActivationId, ActivationCode } = await options.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {
      InstanceCount: Math.min(PER_ACTIVATION, left),
      Description: 'casim loadgen',
    });
    activations.push({ id: ActivationId, code: ActivationCode });
  }
  const prefix = options.namePrefix ?? 'sim';
  const agents = Array.from({ length: options.count }, (_, i) => new SimulatedAgent({
    server: options.server,
    activation: activations[Math.floor(i / PER_ACTIVATION)],
    name: `${prefix}-${i}`,
    onMessage: options.onMessage,
  }));
  const instanceIds = new Array<string>(options.count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < agents.length) {
      const index = next;
      next += 1;
      instanceIds[index] = await agents[index]!.start();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 50, options.count) }, worker));
  } catch (error) {
    for (const agent of agents) agent.stop();
    throw error;
  }
  return { agents, instanceIds, stop: () => agents.forEach((a) => a.stop()) };
}
