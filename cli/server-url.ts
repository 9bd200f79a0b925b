/** The control plane's default port and URL; apart from client-options.ts, so that `casim agent` does not load the API client. */
export const DEFAULT_PORT = 8484;

export function defaultServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${env.CASIM_PORT ?? DEFAULT_PORT}`;
}
