import { createRequire, Module } from 'node:module';
import type { WebSocket as WsSocket } from 'ws';

/**
 * The agent's WebSocket client: the `ws` library, loaded so that the Node built-ins it needs only
 * for a wss:// server or a permessage-deflate session (tls, https, zlib) are loaded when it first
 * uses them, not at start (issue 10: an idle agent in ≤ 50 MB). `ws` requires all of them at the
 * top of its modules; an agent on ws:// (every casim server) uses none. In the instance image
 * (Node 22) that is 2.3 MiB of an idle agent's RSS (tls and its OpenSSL-facing modules, https,
 * zlib: their code, their compiled functions and the pages of their sources in the node binary).
 *
 * How: while `ws` loads, `require.cache` holds a stand-in for each of the three, which Node's
 * CommonJS loader returns for a plain `require('tls')` (documented: the cache is checked before
 * built-in modules; `node:`-prefixed requires always get the built-in). Each stand-in loads the
 * real module at its first property read (`https.request`, `tls.connect`, `zlib.createInflateRaw`,
 * all inside ws's functions). The entries are removed as soon as `ws` has loaded, so no other
 * module ever sees a stand-in.
 */
const DEFERRED_BUILTINS = ['tls', 'https', 'zlib'] as const;

const require = createRequire(import.meta.url);

/** An object that behaves as built-in `name` for property reads, loading it at the first one. */
function loadedOnFirstUse(name: (typeof DEFERRED_BUILTINS)[number]): object {
  let real: Record<PropertyKey, unknown> | undefined;
  const load = (): Record<PropertyKey, unknown> => (real ??= require(`node:${name}`) as Record<PropertyKey, unknown>);
  return new Proxy({}, { get: (_target, key) => load()[key], has: (_target, key) => key in load() });
}

function loadWs(): { WebSocket: typeof WsSocket } {
  const cache = require.cache;
  const placed: string[] = [];
  for (const name of DEFERRED_BUILTINS) {
    if (cache[name] !== undefined) continue;
    const standIn = new Module(name);
    standIn.exports = loadedOnFirstUse(name);
    standIn.loaded = true;
    cache[name] = standIn;
    placed.push(name);
  }
  try {
    return require('ws') as { WebSocket: typeof WsSocket };
  } finally {
    for (const name of placed) delete cache[name];
  }
}

export const { WebSocket } = loadWs();
export type WebSocket = WsSocket;
