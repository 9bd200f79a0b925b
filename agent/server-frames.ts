import { compileJsonSchema } from '../shared/json-schema-check.js';
import { MACHINE_FACTS_JSON_SCHEMA, SERVER_MESSAGE_JSON_SCHEMA } from '../shared/frame-json-schemas.js';
import type { MachineFacts, ParsedFrame, ServerMessage } from '../shared/protocol.js';

const checkServerMessage = compileJsonSchema(SERVER_MESSAGE_JSON_SCHEMA);
const checkMachineFacts = compileJsonSchema(MACHINE_FACTS_JSON_SCHEMA);

/**
 * Parses and validates a frame from the control plane, as shared/protocol.ts's
 * parseServerMessage does but without zod (its schemas, compiled to JSON Schema at build time):
 * the agent does not keep a schema library in memory while idle (issue 10). Every frame is
 * still checked in full; test/unit/server-frames.test.ts holds the two to the same answers.
 */
export function parseServerFrame(raw: string): ParsedFrame<ServerMessage> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = checkServerMessage(value);
  return result.ok ? { ok: true, message: result.value as ServerMessage } : result;
}

/** The machine facts probe's answer (agent/machine-facts.ts), checked; undefined when it is not valid. */
export function machineFactsOf(value: unknown): MachineFacts | undefined {
  const result = checkMachineFacts(value);
  return result.ok ? (result.value as MachineFacts) : undefined;
}
