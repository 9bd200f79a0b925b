/**
 * The store's share of a RunCommand on 100 instances, in process on a real SQLite file: the
 * call's transaction (ClientToken, invocation, 100 runs; the instances' InvocationCount is
 * counted from their runs, so no instance row is written) and then each run's three transitions (delivered, Running, Success) as the
 * invocation service writes them through the group commit, either all three in one group (an
 * agent whose messages arrive together, as loadgen's do) or one group per step, each step read
 * first (as the service reads the run an agent's message names). 10,000 instances;
 * CPU time per call (process.cpuUsage). Anchor in the same run: the same documents written to a
 * bare table (id, doc) in the same transactions — the floor for storing that much JSON.
 * The store checkpoints its WAL in the commits (the default) or on a worker thread (the
 * server's): CPU of the event loop's thread and of the whole process. BENCH_CALLS changes the
 * number of measured calls.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceRecord, InstanceRunRecord, InvocationRecord } from '../controlplane/store/records.js';
import { Store } from '../controlplane/store/store.js';
import { checkpointOnWorker } from '../controlplane/store/wal-checkpointer.js';
import { cpuMsOf, machine } from './stats.js';

const FLEET = 10_000;
const PER_CALL = 100;
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const WARM_UP = 50;
const T = '2026-12-01T00:00:00Z';
const ids = Array.from({ length: FLEET }, (_, i) => `mi-${(i * 7919).toString(36)}${i}`);
const targetsOf = (n: number): string[] => Array.from({ length: PER_CALL }, (_, k) => ids[(n * PER_CALL + k * 37) % FLEET]!);

function instance(instanceId: string): InstanceRecord {
  return {
    instanceId, kind: 'managed', regionId: 'cn-hangzhou', name: instanceId, hostname: instanceId, secretHash: '0'.repeat(64), osType: 'Linux', agentVersion: '1',
    activationId: 'a-1', registrationTime: T, purgedInvocationCount: 0, purgedLastInvokedTime: '', containerId: '', imageId: '', tags: [], deregistered: false,
  };
}

function invocation(invokeId: string, instanceIds: string[]): InvocationRecord {
  return {
    invokeId, regionId: 'cn-hangzhou', commandId: `c-${invokeId}`, commandName: 'x', commandType: 'RunShellScript', commandDescription: '', commandContent: 'dHJ1ZQ==',
    enableParameter: false, parameters: {}, repeatMode: 'Once', frequency: '', timeout: 60, workingDir: '', username: '', containerId: '', containerName: '',
    terminationMode: 'Process', launcher: '', creationTime: T, resourceGroupId: '', tags: [], instanceIds, ossOutputDelivery: '',
  };
}

function run(invokeId: string, instanceId: string): InstanceRunRecord {
  return {
    invokeId, instanceId, run: 1, status: 'Pending', errorCode: '', errorInfo: '', exitCode: null, output: '', dropped: 0, creationTime: T, startTime: '',
    finishTime: '', updateTime: T, stopTime: '', repeats: 0, nextRunTime: '', deliveredTime: '', outputSeq: 0,
  };
}

const steps = (r: InstanceRunRecord): InstanceRunRecord[] => [
  { ...r, deliveredTime: T },
  { ...r, deliveredTime: T, status: 'Running', startTime: T },
  { ...r, deliveredTime: T, status: 'Success', startTime: T, finishTime: T, exitCode: 0, output: 'b2sK' },
];

/** CPU ms per call of the casim store (its thread, the process), with the transitions in one group or one group per step. */
function casim(dir: string, oneGroup: boolean, walCheckpoints: 'inline' | 'worker'): { thread: number; all: number } {
  const store = new Store(join(dir, `casim-${oneGroup ? 'one' : 'per-step'}-${walCheckpoints}.sqlite`), walCheckpoints === 'worker' ? { checkpointer: checkpointOnWorker } : {});
  store.transaction(() => { for (const id of ids) store.instances.add(instance(id)); });
  const call = (n: number): void => {
    const invokeId = `t-${n}`;
    const targets = targetsOf(n);
    store.transaction(() => {
      store.clientTokens.add({ key: `bench|RunCommand|${invokeId}`, fingerprint: '0', body: { InvokeId: invokeId }, creationTime: T });
      store.invocations.add(invocation(invokeId, targets));
      for (const id of targets) store.runs.add(run(invokeId, id));
    });
    for (let step = 0; step < 3; step += 1) {
      // As the invocation service does for each agent message: the run is read, then written.
      for (const id of targets) {
        store.group(() => {
          if (!store.run(invokeId, id)) throw new Error(`run ${invokeId}/${id} not found`);
          store.runs.put(steps(run(invokeId, id))[step]!);
        });
      }
      if (!oneGroup || step === 2) store.flush();
    }
  };
  for (let n = 0; n < WARM_UP; n += 1) call(n);
  const before = process.cpuUsage();
  const threadBefore = cpuMsOf(process.pid, true);
  for (let n = WARM_UP; n < WARM_UP + CALLS; n += 1) call(n);
  const thread = cpuMsOf(process.pid, true) - threadBefore;
  const used = process.cpuUsage(before);
  store.close();
  return { thread: thread / CALLS, all: (used.user + used.system) / 1000 / CALLS };
}

/** The anchor: the same documents into a bare (id, doc) table, one transaction per call and per group. */
function bare(dir: string, oneGroup: boolean): number {
  const db = new Database(join(dir, `bare-${oneGroup ? 'one' : 'per-step'}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  const put = db.prepare('INSERT INTO docs (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc');
  db.transaction(() => { for (const id of ids) put.run(id, JSON.stringify(instance(id))); })();
  const call = (n: number): void => {
    const invokeId = `t-${n}`;
    const targets = targetsOf(n);
    db.transaction(() => {
      put.run(`k-${invokeId}`, JSON.stringify({ InvokeId: invokeId }));
      put.run(invokeId, JSON.stringify(invocation(invokeId, targets)));
      for (const id of targets) put.run(`${invokeId}/${id}`, JSON.stringify(run(invokeId, id)));
    })();
    const groups = oneGroup ? [[0, 1, 2]] : [[0], [1], [2]];
    for (const group of groups) {
      db.transaction(() => {
        for (const step of group) for (const id of targets) put.run(`${invokeId}/${id}`, JSON.stringify(steps(run(invokeId, id))[step]));
      })();
    }
  };
  for (let n = 0; n < WARM_UP; n += 1) call(n);
  const before = process.cpuUsage();
  for (let n = WARM_UP; n < WARM_UP + CALLS; n += 1) call(n);
  const used = process.cpuUsage(before);
  db.close();
  return (used.user + used.system) / 1000 / CALLS;
}

const dir = mkdtempSync(join(tmpdir(), 'casim-bench-store-'));
console.log(`## Store write path of RunCommand(${PER_CALL}) — ${machine()}\n`);
console.log(`CPU per call over ${CALLS} calls (${FLEET.toLocaleString('en')} instances).\n`);
console.log('| transitions | WAL checkpoints | casim store: its thread / the process | anchor: bare (id, doc) table | casim (its thread) / anchor |');
console.log('|---|---|---|---|---|');
for (const oneGroup of [true, false]) {
  const floor = bare(dir, oneGroup);
  for (const walCheckpoints of ['inline', 'worker'] as const) {
    const ours = casim(dir, oneGroup, walCheckpoints);
    const where = walCheckpoints === 'inline' ? 'in the commits' : 'on a worker (the server\'s)';
    console.log(`| ${oneGroup ? 'a run\'s three in one group' : 'one group per step'} | ${where} | ${ours.thread.toFixed(2)} / ${ours.all.toFixed(2)} ms | ${floor.toFixed(2)} ms | ${(ours.thread / floor).toFixed(1)}× |`);
  }
}
rmSync(dir, { recursive: true, force: true });
