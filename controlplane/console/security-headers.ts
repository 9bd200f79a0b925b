import type { OutgoingHttpHeaders } from 'node:http';

/**
 * Headers of every console answer: scripts, styles and connections only from this server (no
 * inline script or style, so injected markup cannot run), no framing, no referrer, no caching
 * (the page is always the one this server version ships), no MIME sniffing.
 */
export const CONSOLE_SECURITY_HEADERS: OutgoingHttpHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};
