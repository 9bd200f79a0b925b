/**
 * 10,000 simulated agents (loadgen/) on a control plane in its own process (`casim server`):
 * registration time, server RSS, WebSocket ping p50/p99, then RunCommand on 100 instances at a
 * target of 100 calls a second — the rate achieved and the end-to-end latency from the call to
 * the last finish-ack (every result stored), after 100 calls one at a time (the server's cold start,
 * reported on its own line). Anchor in the same run: a bare `ws` fan-out server
 * (bench/bare-fanout-server.ts) with the same number of clients, the same 100-client fan-outs at
 * the same rate, and its ping. BENCH_AGENTS, BENCH_RATE and BENCH_SECONDS change the sizes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { ApiClient } from '../cli/api-client.js';
import { startSimulatedFleet } from '../loadgen/simulated-fleet.js';
import { cpuMsOf, machine, ms, rssOf, summary } from './stats.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PER_CALL = 100;
/** RunCommand(100) calls made one at a time, 20 ms apart, right after the server starts, before the load. */
const WARM_UP_CALLS = 100;
const KEY = { id: 'bench', secret: 'bench-secret' };
const CLI = join(import.meta.dirname, '..', 'cli', 'casim.js');

function firstLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (match) resolve(match[1] ?? line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)} before printing ${String(pattern)}`)));
  });
}

async function pings(ping: (i: number) => Promise<number>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let from = 0; from < count; from += 500) {
    const batch = Array.from({ length: Math.min(500, count - from) }, (_, k) => ping(from + k));
    samples.push(...(await Promise.all(batch)));
  }
  return samples;
}

/** Calls `fire` RATE times a second for SECONDS (open loop); resolves with the latencies and the wall time. */
async function openLoop(fire: (n: number) => Promise<number>): Promise<{ latencies: number[]; wallSeconds: number; failed: number; errors: Map<string, number> }> {
  const total = RATE * SECONDS;
  const latencies: number[] = [];
  let failed = 0;
  const errors = new Map<string, number>();
  const started = performance.now();
  const calls: Array<Promise<void>> = [];
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(fire(n).then((latency) => void latencies.push(latency), (error: unknown) => {
      failed += 1;
      const what = error instanceof Error ? error.message.slice(0, 120) : String(error);
      errors.set(what, (errors.get(what) ?? 0) + 1);
    }));
  }
  await Promise.all(calls);
  return { latencies, wallSeconds: (performance.now() - started) / 1000, failed, errors };
}

/** WARM_UP_CALLS of `fire`, one at a time, 20 ms apart; resolves with their latencies. */
async function warmUp(fire: (n: number) => Promise<number>): Promise<number[]> {
  const latencies: number[] = [];
  for (let n = 0; n < WARM_UP_CALLS; n += 1) {
    latencies.push(await fire(n));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

/** What the failed calls said, e.g. ` (Throttling × 3)`; empty when none failed. */
function failures(errors: Map<string, number>): string {
  return errors.size === 0 ? '' : ` (${[...errors].map(([what, count]) => `${what} × ${count}`).join('; ')})`;
}

async function casim(): Promise<{ lines: string[]; loopCpuPerCall: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'casim-bench-fleet-'));
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof": extra node flags for the server process.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, CLI, 'server', '--port', '0', '--data-dir', dataDir, '--no-fleet'], {
    env: {
      ...process.env, CASIM_LOG_LEVEL: 'warn', CASIM_ACCESS_KEY_ID: KEY.id, CASIM_ACCESS_KEY_SECRET: KEY.secret,
      CASIM_QUOTA_INVOCATIONS_PER_DAY: '10000000', CASIM_QUOTA_ACTIVATIONS: String(Math.ceil(AGENTS / 1000) + 1),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await firstLine(server, /casim server on (http:\S+)/);
  // Keep-alive, as the SDKs call (the CLI's default is a connection per call).
  const client = new ApiClient({ server: url, accessKeyId: KEY.id, accessKeySecret: KEY.secret, regionId: 'cn-hangzhou', keepAlive: true });
  const idleRss = rssOf(server.pid!);
  // finish-acks per invocation; they may arrive before the RunCommand answer does.
  const finished = new Map<string, { left: number; resolve?: () => void }>();
  const entryOf = (invokeId: string): { left: number; resolve?: () => void } => {
    let entry = finished.get(invokeId);
    if (!entry) {
      entry = { left: PER_CALL };
      finished.set(invokeId, entry);
    }
    return entry;
  };
  const t0 = performance.now();
  const fleet = await startSimulatedFleet({
    server: url, client, count: AGENTS, concurrency: 100,
    onMessage: (direction, message) => {
      if (direction !== 'in' || message.type !== 'finish-ack') return;
      const entry = entryOf(message.taskId.slice(0, message.taskId.indexOf('.')));
      entry.left -= 1;
      if (entry.left === 0) entry.resolve?.();
    },
  });
  const registration = (performance.now() - t0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const connectedRss = rssOf(server.pid!);
  const ping = summary(await pings((i) => fleet.agents[i]!.ping(), AGENTS));
  /** RunCommand on the n-th 100 instances; resolves with the time from the call to its last finish-ack. */
  const runCommand = async (n: number): Promise<number> => {
    const ids = Array.from({ length: PER_CALL }, (_, k) => fleet.instanceIds[(n * PER_CALL + k) % AGENTS]!);
    const start = performance.now();
    const { InvokeId } = await client.call<{ InvokeId: string }>('RunCommand', { Type: 'RunShellScript', CommandContent: 'true', InstanceId: ids });
    const entry = entryOf(InvokeId);
    if (entry.left > 0) await new Promise<void>((resolve) => (entry.resolve = resolve));
    finished.delete(InvokeId);
    return performance.now() - start;
  };
  // The server's first calls run its code before V8 has optimised it (at 50/s the first ~0.5 s of
  // calls took 60-680 ms): measured on their own, one at a time, so the load below is steady state.
  const cold = await warmUp(runCommand);
  const cpuBefore = { server: cpuMsOf(server.pid!), loop: cpuMsOf(server.pid!, true), bench: cpuMsOf(process.pid) };
  const run = await openLoop((n) => runCommand(WARM_UP_CALLS + n));
  const loadedRss = rssOf(server.pid!);
  const serverCpu = cpuMsOf(server.pid!) - cpuBefore.server;
  const loopCpu = cpuMsOf(server.pid!, true) - cpuBefore.loop;
  const benchCpu = cpuMsOf(process.pid) - cpuBefore.bench;
  fleet.stop();
  client.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
  const e2e = summary(run.latencies);
  const coldStart = summary(cold);
  const perCall = { loop: loopCpu / run.latencies.length, server: serverCpu / run.latencies.length, bench: benchCpu / run.latencies.length };
  // What this machine could carry at these costs: the event loop is one core; everything (the
  // server's threads and the benchmark's agents and client) shares them all.
  const ceiling = Math.min(1000 / perCall.loop, (availableParallelism() * 1000) / (perCall.server + perCall.bench));
  const lines = [
    `| casim: register ${AGENTS.toLocaleString('en')} simulated agents | ${registration.toFixed(1)} s (${Math.round(AGENTS / registration)}/s) | | |`,
    `| casim: server RSS idle / ${AGENTS.toLocaleString('en')} connected / after the RunCommand load | ${idleRss.toFixed(0)} / ${connectedRss.toFixed(0)} / ${loadedRss.toFixed(0)} MiB | | |`,
    `| casim: WebSocket ping, ${AGENTS.toLocaleString('en')} agents | | ${ms(ping.p50)} | ${ms(ping.p99)} |`,
    `| casim: the first ${WARM_UP_CALLS} RunCommand(${PER_CALL}) after the server started, one at a time (V8 still optimising); call → every result stored | ${cold.length} calls | ${ms(coldStart.p50)} | ${ms(coldStart.p99)} |`,
    `| casim: RunCommand(${PER_CALL} instances) target ${RATE}/s for ${SECONDS} s: achieved ${(run.latencies.length / run.wallSeconds).toFixed(1)}/s, ${run.failed} failed${failures(run.errors)}; call → every result stored | ${run.latencies.length} calls | ${ms(e2e.p50)} | ${ms(e2e.p99)} |`,
    `| casim: CPU per RunCommand(${PER_CALL}) over that load: server event loop / server all threads / benchmark process (agents + API client) | ${perCall.loop.toFixed(2)} / ${perCall.server.toFixed(2)} / ${perCall.bench.toFixed(2)} ms | | |`,
    `| casim: calls/s these CPU costs allow here (min of one core for the event loop, ${availableParallelism()} cores for all of it) | ${ceiling.toFixed(0)}/s | | |`,
  ];
  return { lines, loopCpuPerCall: perCall.loop };
}

async function bare(): Promise<{ lines: string[]; loopCpuPerCall: number }> {
  const server = spawn(process.execPath, [join(import.meta.dirname, 'bare-fanout-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await firstLine(server, /^(\d+)$/);
  const url = `ws://127.0.0.1:${port}`;
  const open = (socket: WebSocket): Promise<void> => new Promise((resolve, reject) => { socket.once('open', () => resolve()); socket.once('error', reject); });
  const clients: WebSocket[] = [];
  for (let from = 0; from < AGENTS; from += 100) {
    const batch = Array.from({ length: Math.min(100, AGENTS - from) }, (_, k) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      const n = from + k;
      socket.on('message', (data: Buffer) => socket.send(JSON.stringify({ reply: (JSON.parse(data.toString('utf8')) as { id: string }).id })));
      clients.push(socket);
      return open(socket).then(() => socket.send(JSON.stringify({ hello: n })));
    });
    await Promise.all(batch);
  }
  const control = new WebSocket(url, { perMessageDeflate: false });
  await open(control);
  const waiting = new Map<string, () => void>();
  control.on('message', (data: Buffer) => waiting.get((JSON.parse(data.toString('utf8')) as { done: string }).done)?.());
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rss = rssOf(server.pid!);
  const ping = summary(await pings((i) => new Promise<number>((resolve) => {
    const start = performance.now();
    clients[i]!.once('pong', () => resolve(performance.now() - start));
    clients[i]!.ping();
  }), AGENTS));
  const fanOut = async (n: number): Promise<number> => {
    const id = `b-${n}`;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      waiting.set(id, resolve);
      control.send(JSON.stringify({ id, to: Array.from({ length: PER_CALL }, (_, k) => (n * PER_CALL + k) % AGENTS) }));
    });
    waiting.delete(id);
    return performance.now() - start;
  };
  await warmUp(fanOut);
  const cpuBefore = { loop: cpuMsOf(server.pid!, true), bench: cpuMsOf(process.pid) };
  const run = await openLoop((n) => fanOut(WARM_UP_CALLS + n));
  const loopCpu = (cpuMsOf(server.pid!, true) - cpuBefore.loop) / run.latencies.length;
  const benchCpu = (cpuMsOf(process.pid) - cpuBefore.bench) / run.latencies.length;
  for (const socket of [...clients, control]) socket.terminate();
  server.kill('SIGTERM');
  const e2e = summary(run.latencies);
  const lines = [
    `| anchor: bare ws server RSS, ${AGENTS.toLocaleString('en')} clients | ${rss.toFixed(0)} MiB | | |`,
    `| anchor: bare ws ping, ${AGENTS.toLocaleString('en')} clients | | ${ms(ping.p50)} | ${ms(ping.p99)} |`,
    `| anchor: bare ws fan-out to ${PER_CALL} clients and back, target ${RATE}/s: achieved ${(run.latencies.length / run.wallSeconds).toFixed(1)}/s | ${run.latencies.length} | ${ms(e2e.p50)} | ${ms(e2e.p99)} |`,
    `| anchor: CPU per fan-out over that load: bare server (one thread) / benchmark process (its clients) | ${loopCpu.toFixed(2)} / ${benchCpu.toFixed(2)} ms | | |`,
  ];
  return { lines, loopCpuPerCall: loopCpu };
}

console.log(`## Fleet at scale — ${machine()}\n`);
console.log('| measurement | value / samples | p50 | p99 |');
console.log('|---|---|---|---|');
const ours = await casim();
const anchor = await bare();
for (const line of [...ours.lines, ...anchor.lines]) console.log(line);
// The VM's speed moves from minute to minute; this ratio moves less than either figure.
console.log(`| casim's event loop CPU per RunCommand(${PER_CALL}) / the bare server's per fan-out | ${(ours.loopCpuPerCall / anchor.loopCpuPerCall).toFixed(1)}× | | |`);
