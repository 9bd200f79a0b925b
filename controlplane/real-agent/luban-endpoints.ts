import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { z } from 'zod';
import type { Logger } from '../../shared/logger.js';
import type { AgentEventHandler, FileEventHandler } from '../hub/agent-hub.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import type { AgentIdentities } from './agent-identities.js';
import { publicKeyFromRegistration } from './agent-signature.js';
import { fileFinishOutcome, fileInvalidOutcome } from './file-report-mapping.js';
import type { RealAgentOutbox } from './real-agent-outbox.js';
import { mapReport, type ReportQuery } from './report-mapping.js';
import type { RunReports } from './run-reports.js';
import type { SignedRequests } from './signed-request.js';
import { TaskListAnswerSchema } from './task-list-answer.js';
import {
  ErrorQuerySchema,
  FileFinishQuerySchema,
  FileInvalidQuerySchema,
  FinishQuerySchema,
  HeartbeatQuerySchema,
  InvalidQuerySchema,
  queryObject,
  RegisterBodySchema,
  RunningQuerySchema,
  StoppedQuerySchema,
  TaskListQuerySchema,
  VerifiedQuerySchema,
} from './wire-schemas.js';

export const LUBAN_PREFIX = '/luban/';
/** The heartbeat interval the agent is told (it accepts 55–65 s, §3.3). */
export const HEARTBEAT_INTERVAL_MS = 60_000;
const MAX_JSON_BODY = 64 * 1024;
const MAX_RUNNING_BODY = 64 * 1024;
/** A final report holds at most the quota (24576 B); anything much larger is not the agent. */
const MAX_FINAL_BODY = 1024 * 1024;

class WireError extends Error {
  constructor(
    readonly status: number,
    readonly errCode: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LubanDeps {
  registry: InstanceRegistry;
  identities: AgentIdentities;
  signed: SignedRequests;
  outbox: RealAgentOutbox;
  reports: RunReports;
  runs: AgentEventHandler;
  files: FileEventHandler;
  /**
   * Makes what the handlers just wrote durable (agent messages share a group commit); false when
   * the store could not commit. The agent is answered only after this.
   */
  durable: () => boolean;
  logger: Logger;
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new WireError(413, 'RequestTooLarge', `body over ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.destroy();
        reject(new WireError(413, 'RequestTooLarge', `body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new WireError(400, 'InvalidParameter', `${what}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  return parsed.data;
}

function query(url: URL): Record<string, string> {
  const parsed = queryObject(url.searchParams);
  if (!parsed.ok) throw new WireError(400, 'InvalidParameter', `repeated query key ${parsed.duplicate}`);
  return parsed.values;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * The HTTPS `/luban/` endpoints the real agent calls (spec/real-agent-protocol.md §2–§4): the
 * unsigned `instance/register`, and, signed, heartbeat, `task/list`, the report verbs, SendFile
 * results, deregistration and the background calls that only need a quiet answer. A request that
 * fails its checks gets an error answer; nothing a client sends can throw past `handle`.
 */
export class LubanEndpoints {
  constructor(private readonly deps: LubanDeps) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.route(request, response);
    } catch (error) {
      if (response.headersSent) return;
      if (error instanceof WireError) {
        this.deps.logger.warn('real agent request refused', { url: request.url, status: error.status, reason: error.message });
        sendJson(response, error.status, { code: error.status, errCode: error.errCode, errMsg: error.message });
      } else if (isStoreUnavailable(error)) {
        // Not stored: the agent retries its final reports (3 times, 2 s apart).
        sendJson(response, 503, { code: 503, errCode: 'ServiceUnavailable', errMsg: 'store unavailable' });
      } else {
        this.deps.logger.error('real agent request failed', { url: request.url, error: (error as Error).stack });
        sendJson(response, 500, { code: 500, errCode: 'InternalError', errMsg: 'internal error' });
      }
    }
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://casim.invalid');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (path === '/luban/api/connection_detect') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('ok');
      return;
    }
    if (path === '/luban/api/instance/register' && method === 'POST') return this.register(request, response);
    const caller = this.deps.signed.identify(request.headers);
    if (!caller.ok) {
      request.resume();
      throw new WireError(401, 'InvalidSignature', `unauthenticated: ${caller.reason}`);
    }
    const instanceId = caller.instanceId;
    const task = /^\/luban\/api\/v1\/task\/([a-z]+)$/.exec(path);
    if (task && method === 'POST') {
      const verb = task[1]!;
      if (verb === 'list') return this.taskList(instanceId, url, request, response);
      return this.report(instanceId, verb, url, request, response);
    }
    if (path === '/luban/api/heart-beat' && method === 'GET') return this.heartbeat(instanceId, url, request, response);
    // The rest need no state: drain the body (bounded) and answer quietly.
    await readBody(request, MAX_JSON_BODY);
    switch (path) {
      case '/luban/api/instance/deregister':
        return this.deregister(instanceId, response);
      case '/luban/api/v1/update/update_check':
        return sendJson(response, 200, { code: 200, flag: 0, need_update: 0, next_interval: 1800, instanceId });
      case '/luban/api/metrics':
      case '/luban/api/v1/exception/client_report':
      case '/luban/api/v1/plugin/report_status':
        return sendJson(response, 200, { code: 200 });
      case '/luban/api/v2/plugin/update_check':
        return sendJson(response, 200, { plugin: [] });
      case '/luban/api/v1/plugin/list':
        return sendJson(response, 200, { code: 200, pluginList: [] });
      case '/luban/api/instance/list_instance_state_configurations':
        return sendJson(response, 200, { errCode: 'ServiceNotSupported', errMsg: 'state configurations are not supported by casim' });
      case '/luban/api/v1/session/list':
        return sendJson(response, 200, { code: 200, instanceId, session: [] });
      case '/luban/api/gshell':
        return sendJson(response, 200, { gshellSupport: 'false' });
      default:
        throw new WireError(404, 'NotFound', `no endpoint ${method} ${path}`);
    }
  }

  private async register(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request, MAX_JSON_BODY);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new WireError(400, 'InvalidParameter', 'register body is not JSON');
    }
    const body = parseWith(RegisterBodySchema, json, 'register body');
    let publicKeyPem: string;
    try {
      publicKeyPem = publicKeyFromRegistration(body.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    } catch (error) {
      throw new WireError(400, 'InvalidParameter', `publicKey: ${(error as Error).message}`);
    }
    const hostname = body.hostname || 'unknown';
    const ip = body.intranetIp && isIP(body.intranetIp) ? [body.intranetIp] : [];
    const result = this.deps.registry.registerWithActivation(
      body.activationId,
      body.activationCode,
      {
        hostname,
        agentVersion: body.agentVersion ?? '',
        osType: 'Linux',
        machine: { hostname, ipAddresses: ip, ...(body.osVersion ? { osVersion: body.osVersion } : {}) },
      },
      body.instanceName || undefined,
    );
    // HTTP 400 with a code the agent prints: "register failed" and this body (§2.2).
    if (!result.ok) return sendJson(response, 400, { code: 400, errCode: 'InvalidActivation', errMsg: result.reason });
    this.deps.identities.add({ instanceId: result.instanceId, publicKeyPem, machineId: body.machineId, registeredAt: new Date().toISOString() });
    this.deps.logger.info('real agent registered a managed instance', { instanceId: result.instanceId, hostname });
    sendJson(response, 200, { code: 200, instanceId: result.instanceId });
  }

  private async heartbeat(instanceId: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    await readBody(request, MAX_JSON_BODY);
    const beat = parseWith(HeartbeatQuerySchema, query(url), 'heart-beat query');
    const record = this.deps.registry.get(instanceId);
    const version = /^[\w]+\/([\w.-]{1,64})$/.exec(request.headers['user-agent'] ?? '')?.[1] ?? beat.app_version;
    if (beat.index === 0 && record) {
      this.deps.registry.recordHeartbeat(instanceId, { hostname: record.hostname, agentVersion: version ?? record.agentVersion, osType: 'Linux' });
    } else {
      this.deps.registry.recordHeartbeat(instanceId);
    }
    sendJson(response, 200, { code: 200, nextInterval: HEARTBEAT_INTERVAL_MS });
  }

  private async taskList(instanceId: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    await readBody(request, MAX_JSON_BODY);
    const fetch = parseWith(TaskListQuerySchema, query(url), 'task/list query');
    const startup = fetch.reason === 'startup';
    // A cold start is a boot: what ran there is gone, and boot-triggered tasks run now.
    if (startup && fetch.cold_start === true) this.deps.runs.onConnected(instanceId, true);
    // Commit what that started (a boot's tasks are pushed into the outbox after their commit).
    this.deps.durable();
    const fetched = this.deps.outbox.fetch(instanceId, fetch.taskId, startup);
    for (const lost of fetched.lost) this.deps.reports.lost(instanceId, lost.taskId, lost.run);
    // Stored as delivered before the agent sees them.
    for (const delivered of fetched.delivered) this.deps.runs.onTaskAcked(instanceId, delivered.taskId, delivered.run);
    if (!this.deps.durable()) {
      sendJson(response, 503, { code: 503 });
      return;
    }
    const checked = TaskListAnswerSchema.safeParse(fetched.answer);
    if (!checked.success) this.deps.logger.error('task/list answer does not match the agent\'s types', { instanceId, error: checked.error.message });
    sendJson(response, 200, fetched.answer);
  }

  private async report(instanceId: string, verb: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = query(url);
    if (raw.taskType === 'sendfile' && (verb === 'finish' || verb === 'invalid')) return this.fileReport(instanceId, verb, raw, request, response);
    const body = await readBody(request, verb === 'running' ? MAX_RUNNING_BODY : MAX_FINAL_BODY);
    const report = this.reportQuery(verb, raw);
    this.deps.reports.apply(instanceId, mapReport(report, body));
    if (!this.deps.durable()) {
      // Not stored (e.g. a full disk): the agent reports again.
      sendJson(response, 503, { code: 503 });
      return;
    }
    sendJson(response, 200, { code: 200 });
  }

  private reportQuery(verb: string, raw: Record<string, string>): ReportQuery {
    const what = `task/${verb} query`;
    switch (verb) {
      case 'running':
        return { verb, query: parseWith(RunningQuerySchema, raw, what) };
      case 'finish':
      case 'timeout':
        return { verb, query: parseWith(FinishQuerySchema, raw, what) };
      case 'error':
        return { verb, query: parseWith(ErrorQuerySchema, raw, what) };
      case 'invalid':
        return { verb, query: parseWith(InvalidQuerySchema, raw, what) };
      case 'verified':
        return { verb, query: parseWith(VerifiedQuerySchema, raw, what) };
      case 'stopped':
        return { verb, query: parseWith(StoppedQuerySchema, raw, what) };
      default:
        throw new WireError(404, 'NotFound', `no report verb ${verb}`);
    }
  }

  private async fileReport(instanceId: string, verb: 'finish' | 'invalid', raw: Record<string, string>, request: IncomingMessage, response: ServerResponse): Promise<void> {
    await readBody(request, MAX_JSON_BODY);
    const now = new Date().toISOString();
    if (verb === 'finish') {
      const q = parseWith(FileFinishQuerySchema, raw, 'sendfile finish query');
      this.deps.files.onFileFinished(instanceId, { type: 'file-finished', fileId: q.taskId, outcome: fileFinishOutcome(q.status, q.errorcode), startedAt: now, finishedAt: now });
      this.deps.outbox.fileFinished(instanceId, q.taskId);
    } else {
      const q = parseWith(FileInvalidQuerySchema, raw, 'sendfile invalid query');
      this.deps.files.onFileFinished(instanceId, { type: 'file-finished', fileId: q.taskId, outcome: fileInvalidOutcome(q.param, q.value), startedAt: now, finishedAt: now });
      this.deps.outbox.fileFinished(instanceId, q.taskId);
    }
    if (!this.deps.durable()) {
      // Not stored (e.g. a full disk): the agent reports again.
      sendJson(response, 503, { code: 503 });
      return;
    }
    sendJson(response, 200, { code: 200 });
  }

  private deregister(instanceId: string, response: ServerResponse): void {
    this.deps.registry.remove(instanceId);
    this.deps.identities.remove(instanceId);
    this.deps.reports.forget(instanceId);
    this.deps.outbox.forget(instanceId);
    this.deps.logger.info('real agent deregistered its managed instance', { instanceId });
    sendJson(response, 200, { code: 200 });
  }
}
