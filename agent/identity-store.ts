import { chmodSync, readFileSync } from './sync-fs.js';
import { join } from 'node:path';
import { writeStateFile } from './state-file.js';

/** Who this agent is, once registered: kept in the state dir and reused after a restart. */
export interface AgentIdentity {
  instanceId: string;
  secret: string;
}

const FILE = 'identity.json';

export function loadIdentity(stateDir: string): AgentIdentity | undefined {
  try {
    const value = JSON.parse(readFileSync(join(stateDir, FILE), 'utf8')) as Partial<AgentIdentity>;
    if (typeof value.instanceId === 'string' && typeof value.secret === 'string') {
      return { instanceId: value.instanceId, secret: value.secret };
    }
  } catch {
    // no identity yet
  }
  return undefined;
}

/**
 * Written with mode 0600 (the secret proves the instance's identity), atomically: a reader, or
 * the agent after a crash mid-write, sees the whole identity or none (an empty file would make
 * the agent register again as a new instance).
 */
export function saveIdentity(stateDir: string, identity: AgentIdentity): void {
  const file = join(stateDir, FILE);
  writeStateFile(file, identity);
  chmodSync(file, 0o600);
}
