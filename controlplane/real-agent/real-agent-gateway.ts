import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../shared/logger.js';
import type { AgentEventHandler, FileEventHandler } from '../hub/agent-hub.js';
import type { PresenceWriter } from '../hub/agent-sessions.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { AgentIdentities } from './agent-identities.js';
import { KickChannel } from './kick-channel.js';
import { LubanEndpoints } from './luban-endpoints.js';
import { RealAgentOutbox } from './real-agent-outbox.js';
import { RoutedAgentSender, type AgentLink } from './routed-agent-sender.js';
import { RunReports } from './run-reports.js';
import { SignedRequests } from './signed-request.js';
import { DEFAULT_CERT_HOSTS, ensureTlsMaterial } from './tls-material.js';

export interface RealAgentListenOptions {
  host: string;
  port: number;
  /** Names the server certificate covers (its SAN); default localhost, 127.0.0.1, ::1 and `host`. */
  certHosts?: readonly string[];
  registry: InstanceRegistry;
  runs: AgentEventHandler;
  files: FileEventHandler;
  /** Commits what the handlers wrote (the store's group commit) before an agent is answered. */
  durable: () => boolean;
}

export interface RealAgentEndpoint {
  port: number;
  /** `host:port` for ALIYUN_ASSIST_SERVER_HOST. */
  serverHost: string;
  /** The CA for ALIYUN_ASSIST_CERT_PATH. */
  caCertPath: string;
}

/** The name an agent on this machine should use: loopback and wildcard listeners are `localhost` (in the SAN). */
export function agentFacingHost(listenHost: string): string {
  if (['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(listenHost)) return 'localhost';
  return listenHost.includes(':') ? `[${listenHost}]` : listenHost;
}

/**
 * casim as the server of the real Cloud Assistant agent (`aliyun-service`, self-host mode):
 * an HTTPS listener for the `/luban/` endpoints and the `wss` kick channel, on the same
 * invocation model as casim's own agents. Instances the real agent registered are routed to
 * its outbox; its reports reach the same AgentEventHandler (so the same run machine).
 */
export class RealAgentGateway {
  readonly outbox: RealAgentOutbox;
  readonly identities: AgentIdentities;
  private server: Server | undefined;
  private channel: KickChannel | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
    presence?: PresenceWriter,
  ) {
    this.outbox = new RealAgentOutbox(logger, presence);
    this.identities = new AgentIdentities(dataDir);
  }

  /** The control plane's sender: real-agent instances here, the others to `casimAgents`. */
  route(casimAgents: AgentLink): AgentLink {
    return new RoutedAgentSender(this.outbox, casimAgents, (instanceId) => this.identities.has(instanceId), () => this.identities.ids());
  }

  async listen(options: RealAgentListenOptions): Promise<RealAgentEndpoint> {
    const hosts = [...new Set([...(options.certHosts ?? DEFAULT_CERT_HOSTS), ...(options.certHosts ? [] : [options.host])])];
    const tls = ensureTlsMaterial(this.dataDir, hosts);
    const signed = new SignedRequests(this.identities, options.registry);
    const reports = new RunReports(options.runs, this.outbox);
    const endpoints = new LubanEndpoints({ registry: options.registry, identities: this.identities, signed, outbox: this.outbox, reports, runs: options.runs, files: options.files, durable: options.durable, logger: this.logger });
    const channel = new KickChannel(signed, this.outbox, options.registry, options.runs, options.files, this.logger);
    // HTTP/1.1 only (no ALPN h2), as the agent was observed with (§1.3).
    const server = createServer({ cert: tls.cert, key: tls.key, maxHeaderSize: 32 * 1024 });
    server.on('request', (request, response) => void endpoints.handle(request, response));
    server.on('upgrade', (request, socket, head) => channel.handleUpgrade(request, socket, head));
    server.on('tlsClientError', (error) => this.logger.debug('real agent TLS handshake failed', { error: error.message }));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve());
      });
    } catch (error) {
      await channel.close();
      throw error;
    }
    this.server = server;
    this.channel = channel;
    const port = (server.address() as AddressInfo).port;
    return { port, serverHost: `${agentFacingHost(options.host)}:${port}`, caCertPath: tls.caCertPath };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    await this.channel?.close();
    server.closeAllConnections();
    await stopped;
  }
}
