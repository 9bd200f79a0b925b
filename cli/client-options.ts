import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../controlplane/access-keys.js';
import { DEFAULT_REGION_ID } from '../controlplane/api/regions.js';
import { ApiClient } from './api-client.js';

export { DEFAULT_PORT, defaultServerUrl } from './server-url.js';

/** The client every client-side command uses: `--server` and the CASIM_ACCESS_KEY_* credentials. */
export function clientFor(server: string, env: NodeJS.ProcessEnv = process.env): ApiClient {
  return new ApiClient({
    server,
    accessKeyId: env.CASIM_ACCESS_KEY_ID ?? DEFAULT_ACCESS_KEY_ID,
    accessKeySecret: env.CASIM_ACCESS_KEY_SECRET ?? DEFAULT_ACCESS_KEY_SECRET,
    regionId: env.CASIM_REGION_ID ?? DEFAULT_REGION_ID,
  });
}
