/** Where the console lives on the control plane's port. */
export const CONSOLE_PATH = '/console';
/** The page's ES modules: `/console/assets/<name>.js`. */
export const CONSOLE_ASSETS_PATH = `${CONSOLE_PATH}/assets/`;
export const CONSOLE_STYLES_PATH = `${CONSOLE_PATH}/console.css`;
/** Server-Sent Events of the run lifecycle (a signed GET). */
export const CONSOLE_EVENTS_PATH = `${CONSOLE_PATH}/events`;

/** True for `/console`, `/console/` and everything below it. */
export function isConsolePath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}
