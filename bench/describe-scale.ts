/**
 * Every Describe* query at 100,000 records (and 1,000,000 with BENCH_MILLION=1), in process on
 * the store (controlplane/store/*-queries.ts), each beside an anchor measured in the same run: a
 * raw SQLite read of the same number of rows (`SELECT doc … ORDER BY seq DESC LIMIT n`, parsed).
 * The instance, activation and SendFile listings (and ResourceTag.N targeting) run on as many
 * instances, activations and SendFiles (one delivery each) in a region of their own, so the
 * invocation cases read the same data as before. Prints a Markdown table for bench/RESULTS.md.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PageSpec } from '../controlplane/store/page.js';
import type { ActivationRecord, FileDeliveryRecord, FileInstanceStatus, FileInvocationRecord, InstanceRecord, InstanceRunRecord, InvocationRecord } from '../controlplane/store/records.js';
import { Store } from '../controlplane/store/store.js';
import { machine, ms, summary } from './stats.js';

const INSTANCES = 1000;
const STATUSES: InstanceRunRecord['status'][] = ['Success', 'Success', 'Success', 'Failed', 'Running'];

function invocation(n: number): InvocationRecord {
  return {
    invokeId: `t-${n}`, regionId: 'cn-hangzhou', commandId: `c-${n % 500}`, commandName: `cmd-${n % 500}`, commandType: 'RunShellScript', commandDescription: '',
    commandContent: Buffer.from(`echo ${n}`).toString('base64'), enableParameter: false, parameters: {}, repeatMode: n % 50 === 0 ? 'Period' : 'Once',
    frequency: n % 50 === 0 ? 'rate(1h)' : '', timeout: 60, workingDir: '', username: 'root', containerId: '', containerName: '', terminationMode: 'Process',
    launcher: '', creationTime: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), resourceGroupId: '',
    tags: n % 10 === 0 ? [{ key: 'env', value: 'prod' }] : [], instanceIds: [`mi-${n % INSTANCES}`], ossOutputDelivery: '',
  };
}

function run(n: number): InstanceRunRecord {
  const inv = invocation(n);
  return {
    invokeId: inv.invokeId, instanceId: inv.instanceIds[0] ?? '', run: 1, status: n % 50 === 0 ? 'Scheduled' : STATUSES[n % STATUSES.length] ?? 'Success',
    errorCode: '', errorInfo: '', exitCode: 0, output: Buffer.from(`out ${n}\n`).toString('base64'), dropped: 0, creationTime: inv.creationTime,
    startTime: inv.creationTime, finishTime: inv.creationTime, updateTime: inv.creationTime, stopTime: '', repeats: 1, nextRunTime: '', deliveredTime: inv.creationTime, outputSeq: 1,
  };
}

/** The listings' own region: `records` instances (half managed), activations and SendFiles. */
const LISTING_REGION = 'cn-shanghai';
const DELIVERY: FileInstanceStatus[] = ['Success', 'Success', 'Failed', 'Success', 'Pending'];

function listedInstance(n: number): InstanceRecord {
  const managed = n % 2 === 1;
  return {
    instanceId: managed ? `mi-s${n}` : `i-s${n}`, kind: managed ? 'managed' : 'ecs', regionId: LISTING_REGION, name: `host-${n % 1000}`, hostname: `host-${n}`,
    secretHash: '', osType: 'Linux', agentVersion: '1.0', activationId: managed ? `a-${n % 1000}` : '', registrationTime: '2026-11-01T00:00:00Z',
    purgedInvocationCount: 0, purgedLastInvokedTime: '', containerId: '', imageId: '', deregistered: false, status: n % 5 === 0 ? 'Stopped' : 'Running',
    // env=prod on 10%, of both kinds, half of them Stopped.
    tags: [{ key: 'env', value: n % 20 < 2 ? 'prod' : 'dev' }, { key: 'team', value: `t-${n % 1000}` }], resourceGroupId: n % 4 === 0 ? 'rg-web' : '',
  };
}

function listedActivation(n: number): ActivationRecord {
  return {
    activationId: `a-${n}`, regionId: LISTING_REGION, codeHash: '', description: '', instanceName: `act-${n % 1000}`, instanceCount: 10, registeredCount: 0,
    deregisteredCount: 0, ipAddressRange: '0.0.0.0/0', timeToLiveInHours: 4, disabled: false, creationTime: '2026-11-01T00:00:00Z', resourceGroupId: '',
    tags: n % 10 === 0 ? [{ key: 'team', value: 'x' }] : [],
  };
}

function listedFile(n: number): FileInvocationRecord {
  return {
    invokeId: `f-${n}`, regionId: LISTING_REGION, name: `file-${n % 1000}`, description: '', content: 'hello', contentType: 'PlainText', fileOwner: 'root',
    fileGroup: 'root', fileMode: '0644', targetDir: '/tmp', overwrite: false, timeout: 60, creationTime: '2026-11-01T00:00:00Z', resourceGroupId: '',
    tags: [], instanceIds: [`mi-s${(2 * n + 1) % 2000}`],
  };
}

function listedDelivery(n: number): FileDeliveryRecord {
  const file = listedFile(n);
  return {
    invokeId: file.invokeId, instanceId: file.instanceIds[0] ?? '', status: DELIVERY[n % DELIVERY.length] ?? 'Success', errorCode: '', errorInfo: '',
    creationTime: file.creationTime, startTime: '', finishTime: '', updateTime: file.creationTime,
  };
}

function fillListings(store: Store, records: number): number {
  const started = performance.now();
  const BATCH = 10_000;
  for (let from = 0; from < records; from += BATCH) {
    store.transaction(() => {
      for (let n = from; n < Math.min(records, from + BATCH); n += 1) {
        store.instances.add(listedInstance(n));
        store.activations.add(listedActivation(n));
        store.fileInvocations.add(listedFile(n));
        store.fileDeliveries.add(listedDelivery(n));
        // 1% of the managed instances connected (the `connected` column the sessions keep).
        if (n % 200 === 1) store.presence.set(`mi-s${n}`, true);
      }
    });
  }
  return (performance.now() - started) / 1000;
}

function fill(store: Store, records: number): number {
  const started = performance.now();
  const BATCH = 10_000;
  for (let from = 0; from < records; from += BATCH) {
    store.transaction(() => {
      for (let n = from; n < Math.min(records, from + BATCH); n += 1) {
        store.invocations.add(invocation(n));
        store.runs.add(run(n));
        if (n < 5000) store.commands.add({ commandId: `c-k${n}`, regionId: 'cn-hangzhou', name: `deploy-${n}`, description: '', type: 'RunShellScript', content: '', workingDir: '', timeout: 60, enableParameter: false, launcher: '', parameterNames: [], creationTime: '2026-11-01T00:00:00Z', resourceGroupId: '', tags: [], kept: true, invokeTimes: 0 });
        if (n < INSTANCES) store.instances.add({ instanceId: `mi-${n}`, kind: 'managed', regionId: 'cn-hangzhou', name: `mi-${n}`, hostname: '', secretHash: '', osType: 'Linux', agentVersion: '', activationId: '', registrationTime: '', purgedInvocationCount: 0, purgedLastInvokedTime: '', containerId: '', imageId: '', tags: [], deregistered: false });
      }
    });
  }
  return (performance.now() - started) / 1000;
}

function time(iterations: number, work: () => unknown): number[] {
  for (let i = 0; i < 20; i += 1) work();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return samples;
}

/** The instance, activation and SendFile listings, and ResourceTag.N targeting, on the listing region. */
function listingCases(store: Store, records: number): Array<[string, (spec: PageSpec) => unknown]> {
  const S = LISTING_REGION;
  const q = store.instanceQueries;
  const mid: PageSpec = { offset: 0, limit: 10, countTotal: false, after: [INSTANCES + Math.floor(records / 2)] };
  const named = Array.from({ length: 10 }, (_, k) => `mi-s${2 * k * 997 + 1}`);
  // The same 1% as the sessions see them (what the listing asks row by row once the column cannot be trusted).
  const online = new Set(Array.from({ length: Math.floor(records / 200) }, (_, k) => `mi-s${200 * k + 1}`));
  // Two agent-offline faults in force: one on a tag (team=t-201: 1 in 1000, of them connected ones), one on 10 IDs.
  const hidden = [{ tag: { key: 'team', value: 't-201' } }, { instanceIds: Array.from({ length: 10 }, (_, k) => `mi-s${200 * k + 1}`) }];
  const managed = { regionId: S, kind: 'managed' as const, tags: [] };
  return [
    ['DescribeManagedInstances', (spec) => q.registered(managed, spec)],
    ['DescribeManagedInstances NextToken mid-table', () => q.registered(managed, mid)],
    ['DescribeManagedInstances InstanceId.N (10)', (spec) => q.registered({ ...managed, instanceIds: named }, spec)],
    ['DescribeManagedInstances InstanceName', (spec) => q.registered({ ...managed, name: 'host-7' }, spec)],
    ['DescribeManagedInstances ActivationId', (spec) => q.registered({ ...managed, activationId: 'a-7' }, spec)],
    ['DescribeManagedInstances Tag env=prod', (spec) => q.registered({ ...managed, tags: [{ key: 'env', value: 'prod' }] }, spec)],
    ['DescribeManagedInstances Connected=true (1% online)', (spec) => q.registered({ ...managed, connected: true }, spec)],
    ['DescribeManagedInstances Connected=false (99% offline)', (spec) => q.registered({ ...managed, connected: false }, spec)],
    ['DescribeManagedInstances Connected=true while agent-offline faults are in force (a tag, 10 IDs)', (spec) => q.registered({ ...managed, connected: true, offline: hidden }, spec)],
    ['DescribeManagedInstances Connected=false while agent-offline faults are in force (a tag, 10 IDs)', (spec) => q.registered({ ...managed, connected: false, offline: hidden }, spec)],
    ['DescribeManagedInstances Connected=true after a failed presence write (row by row)', (spec) => q.registered({ ...managed, keep: (id) => online.has(id) }, spec)],
    ['DescribeInstances', (spec) => q.registered({ regionId: S, kind: 'ecs', tags: [] }, spec)],
    ['DescribeInstances Status=Stopped', (spec) => q.registered({ regionId: S, kind: 'ecs', tags: [], status: 'Stopped' }, spec)],
    ['ResourceTag team=t-7 (≤101 Running instances)', () => q.runningWithTags(S, [{ key: 'team', value: 't-7' }], undefined, 101)],
    ['ResourceTag env=prod (capped at 101)', () => q.runningWithTags(S, [{ key: 'env', value: 'prod' }], undefined, 101)],
    ['DescribeActivations', (spec) => store.activationQueries.describeActivations({ regionId: S, tags: [] }, spec)],
    ['DescribeActivations InstanceName', (spec) => store.activationQueries.describeActivations({ regionId: S, tags: [], instanceName: 'act-7' }, spec)],
    ['DescribeActivations Tag team=x', (spec) => store.activationQueries.describeActivations({ regionId: S, tags: [{ key: 'team', value: 'x' }] }, spec)],
    ['DescribeSendFileResults', (spec) => store.fileQueries.describeSendFileResults({ regionId: S, tags: [] }, spec)],
    ['DescribeSendFileResults InstanceId', (spec) => store.fileQueries.describeSendFileResults({ regionId: S, tags: [], instanceId: 'mi-s7' }, spec)],
    ['DescribeSendFileResults InvocationStatus=Failed', (spec) => store.fileQueries.describeSendFileResults({ regionId: S, tags: [], status: 'Failed' }, spec)],
    ['DescribeSendFileResults Name', (spec) => store.fileQueries.describeSendFileResults({ regionId: S, tags: [], name: 'file-7' }, spec)],
    // A sweeper pass at 00:16:40 of the runs' day (it read every active run before issue 10's first pass).
    ['Sweeper pass: undelivered + held past Timeout + grace', () => {
      store.sweepQueries.undelivered('all');
      store.sweepQueries.heldPast(Date.UTC(2026, 10, 1) + 1_000_000 - 60_000);
    }],
  ];
}

async function main(): Promise<void> {
  const sizes = process.env.BENCH_MILLION === '1' ? [100_000, 1_000_000] : [100_000];
  // BENCH_FILL_ONLY=<file>: write the 100,000-record data set there and stop (to read query plans).
  const fillOnly = process.env.BENCH_FILL_ONLY;
  if (fillOnly) {
    const store = new Store(fillOnly);
    fill(store, 100_000);
    fillListings(store, 100_000);
    store.close();
    return;
  }
  console.log(`## Describe* at scale — ${machine()}\n`);
  for (const records of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'casim-bench-describe-'));
    const file = join(dir, 'casim.sqlite');
    const store = new Store(file);
    const seconds = fill(store, records);
    const listingSeconds = fillListings(store, records);
    const raw = new Database(file, { readonly: true });
    const rawPage = raw.prepare('SELECT doc FROM invocations ORDER BY seq DESC LIMIT ?');
    const rawRuns = raw.prepare('SELECT doc FROM instance_runs ORDER BY seq DESC LIMIT ?');
    const anchor = (limit: number) => (): void => {
      for (const row of rawPage.all(limit) as Array<{ doc: string }>) JSON.parse(row.doc);
      for (const row of rawRuns.all(limit) as Array<{ doc: string }>) JSON.parse(row.doc);
    };
    const page: PageSpec = { offset: 0, limit: 10, countTotal: true };
    const firstToken: PageSpec = { offset: 0, limit: 10, countTotal: false };
    const deep: PageSpec = { offset: 0, limit: 10, countTotal: false, after: [Math.floor(records / 2)] };
    const q = store.invocationQueries;
    const R = 'cn-hangzhou';
    const cases: Array<[string, (spec: PageSpec) => unknown]> = [
      ['DescribeInvocations', (spec) => q.describeInvocations({ regionId: R, tags: [] }, spec)],
      ['DescribeInvocations NextToken mid-table', () => q.describeInvocations({ regionId: R, tags: [] }, deep)],
      ['DescribeInvocations InvokeId', (spec) => q.describeInvocations({ regionId: R, tags: [], invokeId: `t-${records - 7}` }, spec)],
      ['DescribeInvocations CommandId', (spec) => q.describeInvocations({ regionId: R, tags: [], commandId: 'c-7' }, spec)],
      ['DescribeInvocations InstanceId', (spec) => q.describeInvocations({ regionId: R, tags: [], instanceId: 'mi-3' }, spec)],
      ['DescribeInvocations InvokeStatus=Running', (spec) => q.describeInvocations({ regionId: R, tags: [], invokeStatus: 'Running' }, spec)],
      ['DescribeInvocations RepeatMode=Period', (spec) => q.describeInvocations({ regionId: R, tags: [], repeatMode: 'Period' }, spec)],
      ['DescribeInvocations Tag env=prod', (spec) => q.describeInvocations({ regionId: R, tags: [{ key: 'env', value: 'prod' }] }, spec)],
      ['DescribeInvocationResults', (spec) => q.describeInvocationResults({ regionId: R, tags: [], includeHistory: false }, spec)],
      ['DescribeInvocationResults InstanceId', (spec) => q.describeInvocationResults({ regionId: R, tags: [], includeHistory: false, instanceId: 'mi-3' }, spec)],
      ['DescribeInvocationResults InvokeRecordStatus=Failed', (spec) => q.describeInvocationResults({ regionId: R, tags: [], includeHistory: false, recordStatus: 'Failed' }, spec)],
      ['DescribeInvocationResults CommandId', (spec) => q.describeInvocationResults({ regionId: R, tags: [], includeHistory: false, commandId: 'c-7' }, spec)],
      ['DescribeInvocationResults IncludeHistory InvokeId', (spec) => q.describeInvocationResults({ regionId: R, tags: [], includeHistory: true, invokeId: 't-50' }, spec)],
      ['DescribeCommands Name=deploy-4*', (spec) => store.commandQueries.describeCommands({ regionId: R, tags: [], name: 'deploy-4*' }, spec)],
      ['DescribeCloudAssistantStatus (page 1 + run counts)', (spec) => {
        const found = store.instanceQueries.list({ regionId: R }, spec);
        for (const i of found.items) store.instanceQueries.runStats(i);
      }],
      ...listingCases(store, records),
    ];
    const anchorSamples = summary(time(300, anchor(10)));
    console.log(`### ${records.toLocaleString('en')} invocations + ${records.toLocaleString('en')} runs (filled in ${seconds.toFixed(1)} s), 5,000 commands, ${INSTANCES} instances\n`);
    console.log(`Listings (${LISTING_REGION}): ${records.toLocaleString('en')} instances (half managed, two tags each), ${records.toLocaleString('en')} activations, ${records.toLocaleString('en')} SendFiles with one delivery each (filled in ${listingSeconds.toFixed(1)} s)\n`);
    console.log(`Anchor: raw SQLite read + JSON.parse of 10 invocation rows and 10 run rows: p50 ${ms(anchorSamples.p50)}, p99 ${ms(anchorSamples.p99)}\n`);
    console.log('First page of 10: with MaxResults (keyset, no TotalCount), and with PageNumber (adds TotalCount: a counter for the region or one tag, else a COUNT(*) of the matching index entries).\n');
    console.log('| query | MaxResults p50 | MaxResults p99 | p99 / anchor p99 | PageNumber + TotalCount p50 | PageNumber + TotalCount p99 |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, work] of cases) {
      const keyset = summary(time(200, () => work(firstToken)));
      const counted = summary(time(100, () => work(page)));
      console.log(`| ${name} | ${ms(keyset.p50)} | ${ms(keyset.p99)} | ${(keyset.p99 / anchorSamples.p99).toFixed(1)}× | ${ms(counted.p50)} | ${ms(counted.p99)} |`);
    }
    console.log('');
    raw.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
