import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules, read from the sources' import statements: lower layers never import the
 * API layer, and the services reach the store through ControlPlaneStore, so that only the
 * composition root knows the SQLite Store (a PostgreSQL one can take its place there); the
 * record keys and labels they share are record-keys.ts'.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');

function tsFilesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

interface ImportOf {
  /** The imported module, relative to the project root, `.ts` (relative specifiers only). */
  target: string;
  /** What is imported, as written (`{ runKey }`, `type { Store }`…). */
  names: string;
}

/** The relative imports and re-exports of one source file. */
function importsOf(file: string): ImportOf[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: ImportOf[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+([^;]*?)\s+from\s+'(\.[^']+)'/gms)) {
    const target = relative(ROOT, resolve(ROOT, dirname(file), match[2]!)).replace(/\.js$/, '.ts');
    found.push({ target, names: match[1]! });
  }
  return found;
}

const LOWER_LAYERS = [
  'agent', 'shared', 'loadgen',
  ...['store', 'domain', 'hub', 'invocations', 'instances', 'files', 'scheduler', 'fleet', 'real-agent', 'auth', 'startup'].map((d) => `controlplane/${d}`),
];

describe('module boundaries', () => {
  it('finds the imports it checks', () => {
    // The scanner itself: a known import of each kind is seen.
    expect(importsOf('controlplane/invocations/invocation-service.ts')).toContainEqual({ target: 'controlplane/store/control-plane-store.ts', names: 'type { ControlPlaneStore }' });
    expect(importsOf('controlplane/admin/admin-reply.ts').map((i) => i.target)).toContain('controlplane/api/errors.ts');
  });

  it.each(LOWER_LAYERS)('%s never imports the API layer (controlplane/api/)', (dir) => {
    const offending = tsFilesUnder(dir).flatMap((file) => importsOf(file).filter((i) => i.target.startsWith('controlplane/api/')).map((i) => `${file} → ${i.target}`));
    expect(offending).toEqual([]);
  });

  it('only the composition root imports the SQLite Store (store.ts); everything else takes a ControlPlaneStore', () => {
    const allowed = new Set(['controlplane/server.ts', 'controlplane/startup/data-dir.ts']);
    const offending = [...tsFilesUnder('controlplane'), ...tsFilesUnder('cli'), ...tsFilesUnder('testkit')]
      .filter((file) => !file.startsWith('controlplane/store/') && !allowed.has(file))
      .flatMap((file) => importsOf(file).filter((i) => i.target === 'controlplane/store/store.ts').map((i) => `${file}: ${i.names}`));
    expect(offending).toEqual([]);
  });
});
