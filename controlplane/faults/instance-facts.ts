import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InstanceFacts } from './fault-rules.js';

/** What instance faults match an instance on (its ID and tags), read from the registry. */
export type InstanceFactsLookup = (instanceId: string) => InstanceFacts;

export function registryFacts(registry: Pick<InstanceRegistry, 'get'>): InstanceFactsLookup {
  return (instanceId) => ({ instanceId, tags: registry.get(instanceId)?.tags ?? [] });
}
