import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's modules are flat, kebab-case ES modules: nothing else is ever served. */
const ASSET_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*\.js$/;
const ENTRY = 'main.js';

/**
 * Where the compiled page modules are. Built (dist/controlplane/console/), they sit next to this
 * file in `web/`; run from source (tests through vitest), `web/` holds only the TypeScript, so the
 * build output in dist/ is used. `undefined` when neither has been built.
 */
export function findAssetRoot(here: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  const candidates = [join(here, 'web'), resolve(here, '../../dist/controlplane/console/web')];
  return candidates.find((dir) => existsSync(join(dir, ENTRY)));
}

export type AssetResult = { readonly found: true; readonly body: Buffer } | { readonly found: false };

/** Reads one page module by its bare name; any other name (paths, dots, other types) is not found. */
export async function readAsset(root: string, name: string): Promise<AssetResult> {
  if (!ASSET_NAME.test(name)) return { found: false };
  try {
    return { found: true, body: await readFile(join(root, name)) };
  } catch {
    return { found: false };
  }
}
