import type { ConsoleApi } from './api-client.js';
import { asObject, bool, list, num, str, type JsonObject } from './json-read.js';

/** Statuses in which a run or an invocation can still change. */
export const LIVE_STATUSES = ['Pending', 'Scheduled', 'Running', 'Stopping'];

export interface InstanceRunRow {
  readonly instanceId: string;
  readonly status: string;
  readonly exitCode: number | undefined;
  readonly errorCode: string;
  readonly errorInfo: string;
  readonly startTime: string;
  readonly finishTime: string;
  readonly repeats: number;
}

export interface InvocationRow {
  readonly invokeId: string;
  readonly commandId: string;
  readonly commandName: string;
  readonly commandType: string;
  readonly content: string;
  readonly parameters: string;
  readonly status: string;
  readonly repeatMode: string;
  readonly frequency: string;
  readonly timed: boolean;
  readonly username: string;
  readonly workingDir: string;
  readonly timeout: number | undefined;
  readonly creationTime: string;
  readonly instances: readonly InstanceRunRow[];
}

export interface ResultRow extends InstanceRunRow {
  readonly output: string;
  readonly dropped: number;
}

function runRow(item: JsonObject): InstanceRunRow {
  return {
    instanceId: str(item, 'InstanceId'),
    status: str(item, 'InvocationStatus'),
    exitCode: num(item, 'ExitCode'),
    errorCode: str(item, 'ErrorCode'),
    errorInfo: str(item, 'ErrorInfo'),
    startTime: str(item, 'StartTime'),
    finishTime: str(item, 'FinishTime') || str(item, 'FinishedTime'),
    repeats: num(item, 'Repeats') ?? 0,
  };
}

function invocationRow(item: JsonObject): InvocationRow {
  return {
    invokeId: str(item, 'InvokeId'),
    commandId: str(item, 'CommandId'),
    commandName: str(item, 'CommandName'),
    commandType: str(item, 'CommandType'),
    content: str(item, 'CommandContent'),
    parameters: str(item, 'Parameters'),
    status: str(item, 'InvocationStatus'),
    repeatMode: str(item, 'RepeatMode'),
    frequency: str(item, 'Frequency'),
    timed: bool(item, 'Timed'),
    username: str(item, 'Username'),
    workingDir: str(item, 'WorkingDir'),
    timeout: num(item, 'Timeout'),
    creationTime: str(item, 'CreationTime'),
    instances: list(item, 'InvokeInstances', 'InvokeInstance').map(runRow),
  };
}

/** The newest invocations (one page of 50). */
export async function loadInvocations(api: ConsoleApi): Promise<InvocationRow[]> {
  const body = await api.call('DescribeInvocations', { MaxResults: 50, ContentEncoding: 'PlainText' });
  return list(body, 'Invocations', 'Invocation').map(invocationRow);
}

export async function loadInvocation(api: ConsoleApi, invokeId: string): Promise<InvocationRow | undefined> {
  const body = await api.call('DescribeInvocations', { InvokeId: invokeId, ContentEncoding: 'PlainText' });
  const found = list(body, 'Invocations', 'Invocation').map(invocationRow);
  return found.find((row) => row.invokeId === invokeId);
}

/** Per-instance results with their Output so far; with `history`, one row per run of a schedule. */
export async function loadResults(api: ConsoleApi, invokeId: string, history: boolean): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  let token = '';
  for (let page = 0; page < 20; page += 1) {
    const body = await api.call('DescribeInvocationResults', {
      InvokeId: invokeId,
      ContentEncoding: 'PlainText',
      IncludeHistory: history || undefined,
      MaxResults: 50,
      NextToken: token || undefined,
    });
    const invocation = asObject(body.Invocation);
    const results = list(invocation, 'InvocationResults', 'InvocationResult');
    for (const item of results) rows.push({ ...runRow(item), output: str(item, 'Output'), dropped: num(item, 'Dropped') ?? 0 });
    token = str(invocation, 'NextToken');
    if (!token) break;
  }
  return rows;
}
