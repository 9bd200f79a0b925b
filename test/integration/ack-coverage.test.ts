import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Agent } from '../../agent/agent.js';
import { createLogger } from '../../shared/logger.js';
import { AGENT_PATH, type AgentMessage, type ServerMessage, type TaskSpec } from '../../shared/protocol.js';
import { TickCork } from '../../shared/tick-cork.js';
import { removeDir, startTestServer, waitFor, waitForResults, type TestServer } from '../support/harness.js';
import { tempDir } from '../support/processes.js';
import { rawSession, registerByHand, type RawAgentSession } from '../support/raw-agent-session.js';

/**
 * What the acknowledgements cover (shared/ack-rules.ts), end to end: the control plane answers a
 * fast run's start and final report with the finish-ack alone, and takes a start as the task's
 * delivery; the casim agent sends a task it starts at once without a task-ack.
 */
describe('the control plane acknowledges a fast run with one finish-ack', () => {
  let test: TestServer;
  let identity: { instanceId: string; secret: string };

  beforeAll(async () => {
    test = await startTestServer();
    const activation = await test.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', {});
    identity = await registerByHand(test.server.url, { id: activation.ActivationId, code: activation.ActivationCode });
  }, 30_000);
  afterAll(async () => {
    await test?.close();
    if (test) removeDir(test.dataDir);
  });

  async function connected(): Promise<RawAgentSession> {
    const session = await rawSession(test.server.url);
    session.send({ type: 'hello', protocol: 1, ...identity, agentVersion: 'test', hostname: 'h', osType: 'Linux' });
    expect((await session.next()).type).toBe('welcome');
    return session;
  }

  async function pushedTask(session: RawAgentSession): Promise<{ invokeId: string; task: TaskSpec }> {
    const { InvokeId } = await test.client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: [identity.instanceId] });
    const message = await session.next();
    if (message.type !== 'task') throw new Error(`expected a task, got ${JSON.stringify(message)}`);
    return { invokeId: InvokeId, task: message.task };
  }

  const startedOf = (task: TaskSpec): AgentMessage => ({ type: 'task-started', taskId: task.taskId, run: task.run, startedAt: new Date().toISOString() });
  const finishedOf = (task: TaskSpec): AgentMessage => ({
    type: 'task-finished', taskId: task.taskId, run: task.run, outcome: { kind: 'exited', exitCode: 0 }, output: Buffer.from('hi\n').toString('base64'),
    dropped: 0, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(),
  });

  /** Every message the server has sent before it answers a probe sent now (acks go out in order). */
  async function drained(session: RawAgentSession): Promise<ServerMessage[]> {
    const probe = `t-probe${Date.now()}.${identity.instanceId}`;
    session.send({ type: 'task-started', taskId: probe, run: 1, startedAt: new Date().toISOString() });
    await waitFor(() => (session.inbox.some((m) => m.type === 'started-ack' && m.taskId === probe) ? true : undefined), 5_000, 'the probe\'s ack');
    return session.inbox.splice(0).filter((m) => !('taskId' in m && m.taskId === probe));
  }

  it('sends only the finish-ack when the start (no task-ack before it) and the final report arrive together', async () => {
    const session = await connected();
    const { invokeId, task } = await pushedTask(session);
    // One write, as an agent's burst of one tick: both are stored in the same group commit.
    const cork = new TickCork();
    cork.hold(session.socket);
    session.send(startedOf(task));
    session.send(finishedOf(task));
    expect(await session.next()).toEqual({ type: 'finish-ack', taskId: task.taskId, run: task.run });
    expect(await drained(session)).toEqual([]);
    const [result] = await waitForResults(test.client, invokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: 'hi\n' });
    session.socket.close();
    await session.closed;
  });

  it('sends the started-ack when the final report comes later, and takes the start as the task\'s delivery', async () => {
    const session = await connected();
    const { invokeId, task } = await pushedTask(session);
    session.send(startedOf(task));
    expect(await session.next()).toEqual({ type: 'started-ack', taskId: task.taskId, run: task.run });
    // Delivered by its start: a new session of the instance is not pushed the task again.
    session.socket.close();
    await session.closed;
    const again = await connected();
    expect(await drained(again)).toEqual([]);
    again.send(finishedOf(task));
    expect(await again.next()).toEqual({ type: 'finish-ack', taskId: task.taskId, run: task.run });
    const [result] = await waitForResults(test.client, invokeId);
    expect(result).toMatchObject({ InvocationStatus: 'Success' });
    again.socket.close();
    await again.closed;
  });
});

describe('the casim agent sends a task it starts at once without a task-ack', () => {
  const instanceId = 'mi-acks';
  let http: Server;
  let wss: WebSocketServer;
  let agent: Agent;
  let toAgent: WebSocket;
  const received: AgentMessage[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    http = createServer();
    wss = new WebSocketServer({ server: http, path: AGENT_PATH });
    const welcomed = new Promise<WebSocket>((resolve) => wss.on('connection', (socket) => {
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as AgentMessage;
        received.push(message);
        if (message.type === 'hello') {
          socket.send(JSON.stringify({ type: 'welcome', instanceId, heartbeatSeconds: 30 } satisfies ServerMessage));
          resolve(socket);
        }
      });
    }));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const stateDir = tempDir('casim-acks-agent-');
    const scriptDir = tempDir('casim-acks-scripts-');
    dirs.push(stateDir, scriptDir);
    agent = new Agent({
      server: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, stateDir, scriptDir, identity: { instanceId, secret: 'secret' }, logger: createLogger('test-agent'),
    });
    agent.start();
    toAgent = await welcomed;
  }, 30_000);
  afterAll(async () => {
    agent?.stop();
    await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    for (const dir of dirs) removeDir(dir);
  });

  const task = (n: number): TaskSpec => ({
    taskId: `t-${n}.${instanceId}`, run: 1, invokeId: `t-${n}`, commandId: 'c-1', commandName: 'acks', type: 'RunShellScript', script: 'true',
    workingDir: '', username: '', timeoutSeconds: 60, terminationMode: 'Process',
  });
  const push = (spec: TaskSpec): void => toAgent.send(JSON.stringify({ type: 'task', task: spec } satisfies ServerMessage));
  const of = (spec: TaskSpec): string[] => received.filter((m) => 'taskId' in m && m.taskId === spec.taskId).map((m) => m.type);
  const finishedReport = (spec: TaskSpec): Promise<true> => waitFor(() => (of(spec).includes('task-finished') ? true : undefined), 15_000, `${spec.taskId} finished`);

  it('sends task-started then task-finished for a script that starts at once, and a task-ack for a task pushed again after it ran', async () => {
    // The first task also loads the runner module (it may be acknowledged first: its start waits for the import).
    push(task(1));
    await finishedReport(task(1));
    push(task(2));
    await finishedReport(task(2));
    // (The agent's resend timer may repeat the unacknowledged final report at any time.)
    expect(of(task(2))[0]).toBe('task-started');
    expect(of(task(2))).not.toContain('task-ack');
    // Its report not yet acknowledged, the task comes again: acknowledged, the report re-sent, not run again.
    push(task(2));
    await waitFor(() => (of(task(2)).indexOf('task-ack') >= 0 && of(task(2)).length > of(task(2)).indexOf('task-ack') + 1 ? true : undefined), 5_000, 'the answer to the re-push');
    const answer = of(task(2)).slice(of(task(2)).indexOf('task-ack'));
    expect(answer.slice(0, 2)).toEqual(['task-ack', 'task-finished']);
    expect(of(task(2)).filter((type) => type === 'task-started')).toHaveLength(1);
    toAgent.send(JSON.stringify({ type: 'finish-ack', taskId: task(2).taskId, run: 1 } satisfies ServerMessage));
  });
});
