import { mkdirSync, statSync } from 'node:fs';
import { Store } from '../store/store.js';
import { causeCode, describeCause, StartupError } from './startup-error.js';

/** Creates the data dir (and its parents) when missing; a clear StartupError when it cannot be. */
export function createDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const cause = causeCode(error) === 'EEXIST' ? 'it exists and is not a directory (EEXIST)' : describeCause(error);
    throw new StartupError('DataDirUnusable', `cannot create data dir ${dir}: ${cause}`, { cause: error });
  }
}

/** Opens (creating or migrating) the SQLite store; a clear StartupError when it cannot be. */
export function openStore(file: string, options?: ConstructorParameters<typeof Store>[1]): Store {
  try {
    return new Store(file, options);
  } catch (error) {
    const isDirectory = statSync(file, { throwIfNoEntry: false })?.isDirectory() === true;
    const cause = isDirectory ? `it is a directory (${causeCode(error) ?? 'EISDIR'})` : describeCause(error);
    throw new StartupError('StoreUnopenable', `cannot open store ${file}: ${cause}`, { cause: error });
  }
}
