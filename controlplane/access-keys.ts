/** The documented local key pair, used when none is configured (printed at server start). */
export const DEFAULT_ACCESS_KEY_ID = 'casim-local-key';
export const DEFAULT_ACCESS_KEY_SECRET = 'casim-local-secret';

export interface AccessKey {
  id: string;
  secret: string;
}

/**
 * The key pairs the server accepts: `CASIM_ACCESS_KEY_ID` / `CASIM_ACCESS_KEY_SECRET`, plus any
 * number more in `CASIM_ACCESS_KEYS` as `id:secret,id2:secret2`.
 */
export function accessKeysFromEnv(env: NodeJS.ProcessEnv): AccessKey[] {
  const keys: AccessKey[] = [
    { id: env.CASIM_ACCESS_KEY_ID ?? DEFAULT_ACCESS_KEY_ID, secret: env.CASIM_ACCESS_KEY_SECRET ?? DEFAULT_ACCESS_KEY_SECRET },
  ];
  for (const entry of (env.CASIM_ACCESS_KEYS ?? '').split(',')) {
    const colon = entry.indexOf(':');
    if (colon > 0) keys.push({ id: entry.slice(0, colon).trim(), secret: entry.slice(colon + 1).trim() });
  }
  return keys;
}
