/**
 * The protocol's numbers (shared/protocol.ts re-exports them), in a module of their own so that
 * the agent can use them without loading zod: an idle agent keeps no schema library in memory
 * (issue 10); it checks frames with the JSON Schemas generated from protocol.ts
 * (frame-json-schemas.ts).
 */
export const PROTOCOL_VERSION = 1 as const;
export const AGENT_PATH = '/agent';

/** WebSocket close codes used on `/agent`. */
export const CLOSE_CODES = {
  /** RFC 6455: the server is shutting down (drain). */
  goingAway: 1001,
  /** RFC 6455: a frame that is not a valid message of this protocol. */
  protocolError: 1002,
  /** RFC 6455: a frame larger than the protocol allows. */
  tooLarge: 1009,
  noHello: 4000,
  instanceRemoved: 4001,
  unsupportedProtocol: 4002,
  authenticationFailed: 4003,
  replaced: 4004,
} as const;

/** The largest frame an agent may send (a final report is at most ~33 KB of JSON). */
export const MAX_AGENT_FRAME_BYTES = 256 * 1024;
/** The largest frame the control plane sends (a task with its script, a SendFile file). */
export const MAX_SERVER_FRAME_BYTES = 4 * 1024 * 1024;
/** Raw bytes in one live output chunk. */
export const MAX_OUTPUT_CHUNK_BYTES = 64 * 1024;
/** Raw bytes of retained output in a final report (head + tail, shared/output-buffer.ts). */
export const MAX_REPORTED_OUTPUT_BYTES = 24576;
