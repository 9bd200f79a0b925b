import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** Written with mode 0600: the secret proves the instance's identity. */
export function saveIdentity(stateDir: string, identity: AgentIdentity): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, FILE);
  writeFileSync(file, JSON.stringify(identity, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}
