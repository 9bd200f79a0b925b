import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { RealAgentEndpoint } from './real-agent-gateway.js';

/** Where a real agent connects, for `casim fleet up --agent real` (nothing secret: a host and a CA). */
export const REAL_AGENT_INFO_PATH = '/casim/real-agent';

export function handleRealAgentInfo(response: ServerResponse, endpoint: RealAgentEndpoint | undefined): void {
  const body = endpoint
    ? { ServerHost: endpoint.serverHost, CaCertificate: readFileSync(endpoint.caCertPath, 'utf8') }
    : { Code: 'RealAgentDisabled', Message: 'this server does not serve the real agent (start it with --real-agent-port)' };
  const text = JSON.stringify(body);
  response.writeHead(endpoint ? 200 : 404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
