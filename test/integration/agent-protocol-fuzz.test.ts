import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../support/prng.js';
import { rssOf } from '../../bench/stats.js';
import { CLOSE_CODES } from '../../shared/protocol.js';
import { removeDir, waitFor } from '../support/harness.js';
import { killAndWait, tempDir } from '../support/processes.js';
import { startedServer, type StartedServer } from '../support/server-process.js';
import { rawSession, registerByHand } from '../support/raw-agent-session.js';

/**
 * Hostile frames at /agent against a real server process: every invalid frame closes only its
 * own socket with a protocol error, the process never dies, and what is stored is untouched.
 */
let server: StartedServer;
let dataDir: string;
let identity: { instanceId: string; secret: string };
let commandId: string;

beforeAll(async () => {
  dataDir = tempDir('casim-fuzz-');
  server = await startedServer(dataDir);
  const activation = await server.client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: 5 });
  identity = await registerByHand(server.url, { id: activation.ActivationId, code: activation.ActivationCode });
  ({ CommandId: commandId } = await server.client.call<{ CommandId: string }>('CreateCommand', {
    Name: 'kept', Type: 'RunShellScript', CommandContent: Buffer.from('echo kept').toString('base64'),
  }));
}, 60_000);

afterAll(async () => {
  if (server) await killAndWait(server.child);
  if (dataDir) removeDir(dataDir);
});

const hello = (): Record<string, unknown> => ({ type: 'hello', protocol: 1, ...identity, agentVersion: 'fuzz', hostname: 'h', osType: 'Linux' });

async function authenticated() {
  const session = await rawSession(server.url);
  session.send(hello());
  const welcome = await session.next();
  expect(welcome.type).toBe('welcome');
  return session;
}

async function expectProtocolClose(frames: unknown[], authenticate: boolean): Promise<void> {
  const session = authenticate ? await authenticated() : await rawSession(server.url);
  for (const frame of frames) session.send(frame);
  expect(await session.closed).toBe(CLOSE_CODES.protocolError);
}

async function stillServing(): Promise<void> {
  expect(server.child.exitCode).toBeNull();
  const body = await server.client.call<{ Commands: { Command: Array<{ CommandId: string }> } }>('DescribeCommands', { CommandId: commandId });
  expect(body.Commands.Command.map((c) => c.CommandId)).toEqual([commandId]);
}

const task = { taskId: 't-x.mi-x', run: 1 };

describe('hostile frames at /agent', () => {
  const unauthenticated: Array<[string, unknown]> = [
    ['a hello whose instanceId is an object', { ...hello(), instanceId: { $ne: 1 } }],
    ['a hello without a secret', { type: 'hello', protocol: 1, instanceId: 'mi-x', agentVersion: 'v', hostname: 'h', osType: 'Linux' }],
    ['a hello with a numeric secret', { type: 'hello', protocol: 1, instanceId: 'mi-x', secret: 42, agentVersion: 'v', hostname: 'h', osType: 'Linux' }],
    ['a register with a non-string activationCode', { type: 'register', protocol: 1, activationId: 'a', activationCode: ['x'], agentVersion: 'v', hostname: 'h', osType: 'Linux' }],
    ['a frame that is not JSON', '{"type":"hello",'],
    ['a JSON array', '[1,2,3]'],
    ['an unknown type', { type: 'take-over' }],
  ];
  for (const [name, frame] of unauthenticated) {
    it(`closes the socket with 1002 on ${name}, and the server goes on`, async () => {
      await expectProtocolClose([frame], false);
      await stillServing();
    });
  }

  const afterHello: Array<[string, unknown]> = [
    ['task-output whose data is a number', { type: 'task-output', ...task, seq: 0, data: 5 }],
    ['task-output whose data is an object', { type: 'task-output', ...task, seq: 0, data: { a: 1 } }],
    ['task-finished with a null outcome', { type: 'task-finished', ...task, outcome: null, output: '', dropped: 0, startedAt: null, finishedAt: new Date().toISOString() }],
    ['task-finished with an unknown outcome', { type: 'task-finished', ...task, outcome: { kind: 'exploded' }, output: '', dropped: 0, startedAt: null, finishedAt: new Date().toISOString() }],
    ['task-finished with a date that does not parse', { type: 'task-finished', ...task, outcome: { kind: 'killed' }, output: '', dropped: 0, startedAt: 'yesterday', finishedAt: 'soon' }],
    ['task-started with a numeric taskId', { type: 'task-started', taskId: 7, run: 1, startedAt: new Date().toISOString() }],
    ['task-finished with more output than the agent may keep', {
      type: 'task-finished', ...task, outcome: { kind: 'exited', exitCode: 0 }, output: Buffer.alloc(24577).toString('base64'), dropped: 0, startedAt: null, finishedAt: new Date().toISOString(),
    }],
    ['task-finished with a negative Dropped', { type: 'task-finished', ...task, outcome: { kind: 'exited', exitCode: 0 }, output: '', dropped: -1, startedAt: null, finishedAt: new Date().toISOString() }],
  ];
  for (const [name, frame] of afterHello) {
    it(`closes an authenticated socket with 1002 on ${name}, and the server goes on`, async () => {
      await expectProtocolClose([frame], true);
      await stillServing();
    });
  }

  it('refuses a 6 MB report with 1009 (frame too large) before reading it', async () => {
    const session = await authenticated();
    session.send({ type: 'task-finished', ...task, outcome: { kind: 'exited', exitCode: 0 }, output: Buffer.alloc(6 * 1024 * 1024).toString('base64'), dropped: 0, startedAt: null, finishedAt: new Date().toISOString() });
    expect(await session.closed).toBe(CLOSE_CODES.tooLarge);
    await stillServing();
  });
});

describe('what a socket sends once it is refused, and other frames found by fuzzing', () => {
  async function pushedRun(session: Awaited<ReturnType<typeof authenticated>>): Promise<{ invokeId: string; taskId: string; run: number }> {
    const { InvokeId } = await server.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId: commandId, InstanceId: [identity.instanceId] });
    const pushed = await waitFor(() => session.inbox.find((m) => m.type === 'task' && m.task.invokeId === InvokeId), 5_000, 'the task');
    if (pushed.type !== 'task') throw new Error('not a task');
    return { invokeId: InvokeId, taskId: pushed.task.taskId, run: pushed.task.run };
  }

  async function statusOf(invokeId: string): Promise<string | undefined> {
    const body = await server.client.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvokeRecordStatus: string }> } } }>('DescribeInvocationResults', { InvokeId: invokeId });
    return body.Invocation.InvocationResults.InvocationResult[0]?.InvokeRecordStatus;
  }

  it('acts on nothing a refused socket sends after the refused frame (same write), and the run stays open', async () => {
    const session = await authenticated();
    const { invokeId, taskId, run } = await pushedRun(session);
    const finished = { type: 'task-finished', taskId, run, outcome: { kind: 'exited', exitCode: 42 }, output: '', dropped: 0, startedAt: null, finishedAt: new Date().toISOString() };
    // The report is sent before the server's close can arrive, as a peer that ignores it would.
    session.socket.send('this is not json');
    session.socket.send(JSON.stringify(finished));
    expect(await session.closed).toBe(CLOSE_CODES.protocolError);
    expect(await statusOf(invokeId)).toBe('Pending');
    // A well-behaved session of the same agent finishes it.
    const again = await authenticated();
    const repushed = await waitFor(() => again.inbox.find((m) => m.type === 'task' && m.task.taskId === taskId), 10_000, 'the task pushed again');
    expect(repushed.type).toBe('task');
    again.send({ ...finished, outcome: { kind: 'exited', exitCode: 0 } });
    await waitFor(async () => ((await statusOf(invokeId)) === 'Finished' ? true : undefined), 10_000, 'the run Finished');
    again.socket.close();
    await again.closed;
  });

  it('closes with 1002 on a second hello', async () => {
    await expectProtocolClose([hello()], true);
    await stillServing();
  });

  it('closes with 1002 (not 1011) on a report dated past the year 9999 or before 1970, and stores nothing of it', async () => {
    for (const startedAt of ['+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59.999-00:01', '1969-12-31T23:59:59Z', '0']) {
      const session = await authenticated();
      const { invokeId, taskId, run } = await pushedRun(session);
      session.send({ type: 'task-finished', taskId, run, outcome: { kind: 'timed-out' }, output: '', dropped: 0, startedAt, finishedAt: new Date().toISOString() });
      expect(await session.closed).toBe(CLOSE_CODES.protocolError);
      expect(await statusOf(invokeId)).toBe('Pending');
    }
    await stillServing();
  });

  it('stops reading an agent that sends without reading what it is sent, and holds its memory', async () => {
    const session = await authenticated();
    const rssBefore = rssOf(server.child.pid!);
    session.socket.pause(); // never reads the acknowledgements
    // Each start of an unknown run is answered with a started-ack: ~36 MB of frames, ~20 MB of answers.
    const frame = (i: number): string => JSON.stringify({ type: 'task-started', taskId: `t-${String(i).padStart(120, '0')}.${identity.instanceId}`, run: 1, startedAt: new Date().toISOString() });
    for (let i = 0; i < 200_000; i += 1) session.socket.send(frame(i));
    // The server reads until its unsent answers pass a bound, then no more: the rest waits on this
    // side for as long as the agent does not read. (Reading all of it, as it did before, took this
    // machine 3-5 s, its RSS growing by ~60 MB.) The absence of progress needs a window to show.
    let leastUnsent = Infinity;
    for (const end = Date.now() + 8_000; Date.now() < end;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      leastUnsent = Math.min(leastUnsent, session.socket.bufferedAmount);
    }
    expect(leastUnsent).toBeGreaterThan(8 * 1024 * 1024);
    expect(rssOf(server.child.pid!) - rssBefore).toBeLessThan(20);
    await stillServing();
    session.socket.terminate();
    await session.closed;
  }, 60_000);
});

// ---- the fuzzer ----

const now = new Date().toISOString();
const TEMPLATES: Array<Record<string, unknown>> = [
  { type: 'heartbeat' },
  { type: 'task-ack', ...task },
  { type: 'task-started', ...task, startedAt: now },
  { type: 'task-output', ...task, seq: 0, data: 'aGVsbG8=' },
  { type: 'task-finished', ...task, outcome: { kind: 'exited', exitCode: 0 }, output: 'aGk=', dropped: 0, startedAt: now, finishedAt: now },
  { type: 'task-finished', ...task, outcome: { kind: 'not-started', reason: 'exception', detail: 'x' }, output: '', dropped: 0, startedAt: null, finishedAt: now },
  { type: 'file-finished', fileId: 'f-x.mi-x', outcome: { kind: 'failed', reason: 'file-exists', detail: 'x' }, startedAt: now, finishedAt: now },
  { type: 'register', protocol: 1, activationId: 'a-x', activationCode: 'c', agentVersion: 'v', hostname: 'h', osType: 'Linux' },
];

function weirdValue(random: () => number): unknown {
  const choices: Array<() => unknown> = [
    () => null, () => true, () => -1, () => 1e308, () => Number.MAX_SAFE_INTEGER + 2, () => 0.5, () => '', () => 'x'.repeat(Math.floor(random() * 5000)),
    () => ({}), () => [], () => ({ kind: 'exited' }), () => ({ __proto__: { polluted: true } }), () => [[[[[]]]]], () => '\u0000\uffff', () => 'NaN',
    () => ({ toString: 'x', valueOf: 1 }), () => '2026-13-45T99:99:99Z', () => 'mi-' + 'a'.repeat(500), () => '../../etc/passwd',
  ];
  return choices[Math.floor(random() * choices.length)]!();
}

function mutate(template: Record<string, unknown>, random: () => number): string {
  const frame: Record<string, unknown> = structuredClone(template);
  const keys = Object.keys(frame);
  const operations = 1 + Math.floor(random() * 3);
  for (let i = 0; i < operations; i += 1) {
    const key = keys[Math.floor(random() * keys.length)]!;
    const roll = random();
    if (roll < 0.3) delete frame[key];
    else if (roll < 0.8) frame[key] = weirdValue(random);
    else frame[`extra${i}`] = weirdValue(random);
  }
  const text = JSON.stringify(frame);
  const shape = random();
  if (shape < 0.05) return text.slice(0, Math.floor(random() * text.length)); // truncated
  if (shape < 0.08) return JSON.stringify(weirdValue(random));
  return text;
}

describe('the agent protocol under fuzzing', () => {
  it('survives 10,000 mutated frames, unauthenticated and authenticated: 0 crashes, stored state intact', async () => {
    const random = prng(20261201);
    const FRAMES = 10_000;
    let sent = 0;
    let closes = 0;
    // Half as first frames of fresh sessions (no credentials), 8 sessions at a time.
    const unauthenticated = async (): Promise<void> => {
      while (sent < FRAMES / 2) {
        sent += 1;
        const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)]!;
        const session = await rawSession(server.url);
        session.send(random() < 0.5 ? mutate({ ...hello() }, random) : mutate(template, random));
        session.socket.close();
        await session.closed;
      }
    };
    await Promise.all(Array.from({ length: 8 }, unauthenticated));
    // The other half inside authenticated sessions: a session ends at its first invalid frame.
    let session = await authenticated();
    while (sent < FRAMES) {
      sent += 1;
      session.send(mutate(TEMPLATES[Math.floor(random() * TEMPLATES.length)]!, random));
      if (sent % 25 === 0) {
        // A valid probe every 25 frames: a started-ack back means the session is still open.
        const probe = `probe-${sent}.x`;
        session.send({ type: 'task-started', taskId: probe, run: 1, startedAt: now });
        const acked = waitFor(() => (session.inbox.some((m) => m.type === 'started-ack' && m.taskId === probe) ? true : undefined), 10_000, 'probe ack');
        const open = await Promise.race([session.closed.then(() => false), acked]);
        if (!open) {
          closes += 1;
          session = await authenticated();
        }
        session.inbox.length = 0;
      }
    }
    session.socket.close();
    expect(sent).toBe(FRAMES);
    expect(closes).toBeGreaterThan(10); // the fuzzer did make the server close sessions
    await waitFor(() => (server.child.exitCode === null ? true : undefined), 1_000, 'server alive');
    await stillServing();
    expect(server.stderr()).not.toMatch(/uncaught|TypeError|RangeError|SqliteError/i);
  }, 240_000);
});
