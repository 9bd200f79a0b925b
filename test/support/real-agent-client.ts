import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { request } from 'node:https';
import WebSocket from 'ws';

/**
 * A protocol-level stand-in for the real Cloud Assistant agent (aliyun-service v578), written
 * from spec/real-agent-protocol.md only (not from the agent's code): it registers, signs every
 * later request (§2.3), holds the `wss` kick channel and answers kicks (§3.4), fetches
 * `task/list` (§3.5) and posts the report verbs with the query and body shapes of §3.6. It runs
 * no scripts: a test decides what the "agent" reports, as facts.
 */
export interface WireAnswer {
  status: number;
  body: string;
  json(): unknown;
}

export interface ClientOptions {
  /** `host:port`, as ALIYUN_ASSIST_SERVER_HOST. */
  serverHost: string;
  /** PEM of the CA, as the file named by ALIYUN_ASSIST_CERT_PATH. */
  ca: string;
}

export class RealAgentClient {
  readonly machineId = createHash('md5').update(randomUUID()).digest('hex');
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  instanceId = '';
  /** Kicks received, in order. */
  readonly kicks: string[] = [];
  private channel: WebSocket | undefined;
  private kickWaiters: Array<{ match: (frame: string) => boolean; resolve: (frame: string) => void }> = [];

  constructor(private options: ClientOptions) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The agent restarted and found its server elsewhere (the same identity files). */
  useServer(serverHost: string): void {
    this.options = { ...this.options, serverHost };
  }

  /** The four identity headers (§2.3): MD5-RSA over instanceId + machineId + timestamp + requestId. */
  signedHeaders(overrides: Partial<{ timestamp: string; requestId: string; instanceId: string; key: KeyObject }> = {}): Record<string, string> {
    const instanceId = overrides.instanceId ?? this.instanceId;
    const timestamp = overrides.timestamp ?? String(Date.now());
    const requestId = overrides.requestId ?? randomUUID();
    const signature = sign('md5', Buffer.from(instanceId + this.machineId + timestamp + requestId, 'utf8'), overrides.key ?? this.privateKey).toString('base64');
    return { 'x-acs-instance-id': instanceId, 'x-acs-timestamp': timestamp, 'x-acs-request-id': requestId, 'x-acs-signature': signature };
  }

  raw(method: string, path: string, headers: Record<string, string>, body: string | Buffer = ''): Promise<WireAnswer> {
    const [host, port] = this.options.serverHost.split(':');
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return new Promise((resolve, reject) => {
      const req = request(
        { host, port: Number(port), method, path, ca: this.options.ca, headers: { 'user-agent': 'linux_amd64/1.0.0.1', 'accept-encoding': 'gzip', 'content-length': String(payload.length), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) as unknown });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** §2.1: unsigned JSON, the public key as base64 of its PEM text. */
  async register(activationId: string, activationCode: string, instanceName = 'probe-host'): Promise<WireAnswer> {
    const body = JSON.stringify({
      activationCode,
      machineId: this.machineId,
      regionId: 'cn-hangzhou',
      instanceName,
      hostname: 'vm',
      intranetIp: '<nil>',
      osVersion: 'Linux_#1 SMP PREEMPT_DYNAMIC @0_x86_64',
      osType: 'linux',
      agentVersion: '1.0.0.1',
      publicKey: Buffer.from(this.publicKeyPem, 'utf8').toString('base64'),
      activationId,
      tag: [],
    });
    const answer = await this.raw('POST', '/luban/api/instance/register', { 'content-type': 'application/json; charset=utf-8' }, body);
    if (answer.status <= 400) {
      const parsed = answer.json() as { code?: unknown; instanceId?: unknown };
      if (parsed.code === 200 && typeof parsed.instanceId === 'string') this.instanceId = parsed.instanceId;
    }
    return answer;
  }

  signed(method: string, path: string, contentType: string, body: string | Buffer = ''): Promise<WireAnswer> {
    return this.raw(method, path, { 'content-type': contentType, ...this.signedHeaders() }, body);
  }

  /** §3.3, the first beat carries the extra keys. */
  heartbeat(index: number, coldStart = false): Promise<WireAnswer> {
    const base = `uptime=1746000&timestamp=${Date.now()}&pid=31292&process_uptime=104&index=${index}&seq_no=${index}`;
    const extra = index === 0 ? `&virt_type=kvm&os_version=Linux_%231+SMP+PREEMPT_DYNAMIC+%400_x86_64&az=unknown&machineid=${this.machineId}&cold_start=${coldStart}` : '';
    return this.signed('GET', `/luban/api/heart-beat?${base}${extra}`, 'application/x-www-form-urlencoded');
  }

  /** §3.5: empty JSON POST; `reason=startup&cold_start=…` or `reason=kickoff[&taskId=…]`. */
  async taskList(reason: 'startup' | 'kickoff', taskId?: string, coldStart = false): Promise<TaskListBody> {
    const head = reason === 'startup' ? `reason=startup&cold_start=${coldStart}` : `reason=kickoff${taskId ? `&taskId=${taskId}` : ''}`;
    const answer = await this.signed('POST', `/luban/api/v1/task/list?${head}&currentTime=${Date.now()}&offset=0&timeZone=Etc%2FUTC`, 'application/json; charset=utf-8');
    if (answer.status !== 200) throw new Error(`task/list answered ${answer.status}: ${answer.body}`);
    return answer.json() as TaskListBody;
  }

  /** §3.6: `POST task/<verb>?<query>`, text body. */
  report(verb: string, query: string, body: string | Buffer = ''): Promise<WireAnswer> {
    return this.signed('POST', `/luban/api/v1/task/${verb}?${query}`, 'text/plain; charset=utf-8', body);
  }

  /** §3.4: signed upgrade; every kick is answered `accept:<frame>` like the agent does. */
  openChannel(headers: Record<string, string> = this.signedHeaders()): Promise<WebSocket> {
    const socket = new WebSocket(`wss://${this.options.serverHost}/luban/notify_server`, { ca: this.options.ca, headers: { 'user-agent': 'linux_amd64/1.0.0.1', ...headers } });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        socket.ping('keepalive');
        this.channel = socket;
        resolve(socket);
      });
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      socket.once('error', reject);
      socket.on('message', (data: Buffer) => {
        const frame = data.toString('utf8');
        this.kicks.push(frame);
        socket.send(frame.startsWith('kick_vm') ? `accept:${frame}` : `unknow:${frame}`);
        const waiter = this.kickWaiters.find((w) => w.match(frame));
        if (waiter) {
          this.kickWaiters = this.kickWaiters.filter((w) => w !== waiter);
          waiter.resolve(frame);
        }
      });
    });
  }

  /** The next (or an already received, not yet awaited) kick matching `prefix`. */
  nextKick(prefix: string, timeoutMs = 10_000): Promise<string> {
    const seen = this.kicks.findIndex((k) => k.startsWith(prefix));
    if (seen >= 0) return Promise.resolve(this.kicks.splice(seen, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no kick ${prefix} within ${timeoutMs} ms (got ${JSON.stringify(this.kicks)})`)), timeoutMs);
      this.kickWaiters.push({
        match: (frame) => frame.startsWith(prefix),
        resolve: (frame) => {
          clearTimeout(timer);
          this.kicks.splice(this.kicks.indexOf(frame), 1);
          resolve(frame);
        },
      });
    });
  }

  closeChannel(): Promise<void> {
    const socket = this.channel;
    if (!socket || socket.readyState === socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }
}

export interface TaskListBody {
  code?: number;
  instanceId?: string;
  run?: RunEntryBody[];
  stop?: RunEntryBody[];
  test?: RunEntryBody[];
  file?: Array<{ task: Record<string, unknown> }>;
  session?: unknown[];
}

export interface RunEntryBody {
  task: Record<string, unknown> & { taskID: string; invokeVersion?: number };
  output?: Record<string, unknown>;
  repeat?: string;
}
