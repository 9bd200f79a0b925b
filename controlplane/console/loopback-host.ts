/** Host names that always mean this machine. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True when `host` (a listen address) is a loopback address, so only this machine can connect. */
export function isLoopbackAddress(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether the console answers a request with this `Host` header. A server listening on loopback
 * (the default) answers only names of this machine: a web page elsewhere that re-points its own
 * DNS name at 127.0.0.1 (DNS rebinding) gets no console. A server deliberately listening on
 * another address (e.g. 0.0.0.0 in a container) answers any host; every call is still signed.
 */
export function isAllowedConsoleHost(hostHeader: string | undefined, listenHost: string): boolean {
  if (!isLoopbackAddress(listenHost)) return true;
  if (hostHeader === undefined) return false;
  const name = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0];
  return name !== undefined && (LOOPBACK_NAMES.has(name.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name));
}
