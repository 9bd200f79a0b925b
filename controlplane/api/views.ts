import type { InstanceRunStats } from '../store/instance-queries.js';
import type { InstanceRecord, InstanceRunRecord, InvocationRecord, CommandRecord } from '../store/records.js';
import { aggregateStatus, isLive, legacyInstanceStatus, legacyInvokeStatus } from '../invocations/aggregate-status.js';
import { isRepeating } from '../invocations/repeat-mode.js';
import { resourceGroupOf } from '../instances/resource-groups.js';
import type { Tag } from './param-spec.js';

/** Record → response-shape conversions (PascalCase, SDK wrapper objects, JSON-typed numbers). */

export type Body = Record<string, unknown>;

export type TextEncoding = 'Base64' | 'PlainText';

/** `ContentEncoding` of a Describe* call: PlainText or Base64 (default), case-insensitive. */
export function textEncoding(value: string | undefined, fallback: TextEncoding = 'Base64'): TextEncoding {
  const lower = value?.toLowerCase();
  if (lower === 'plaintext') return 'PlainText';
  if (lower === 'base64') return 'Base64';
  return fallback;
}

export function encodeText(base64: string, encoding: TextEncoding): string {
  return encoding === 'Base64' ? base64 : Buffer.from(base64, 'base64').toString('utf8');
}

export function tagsView(tags: readonly Tag[]): Body {
  return { Tag: tags.map((t) => ({ TagKey: t.key, TagValue: t.value })) };
}

export function commandView(command: CommandRecord, encoding: TextEncoding): Body {
  return {
    CommandId: command.commandId,
    Name: command.name,
    Description: command.description,
    Type: command.type,
    CommandContent: encodeText(command.content, encoding),
    WorkingDir: command.workingDir,
    Timeout: command.timeout,
    EnableParameter: command.enableParameter,
    Launcher: command.launcher,
    CreationTime: command.creationTime,
    InvokeTimes: command.invokeTimes,
    ParameterNames: { ParameterName: command.enableParameter ? command.parameterNames : [] },
    ParameterDefinitions: { ParameterDefinition: [] },
    Provider: '',
    Category: '',
    Version: 1,
    Latest: true,
    ResourceGroupId: command.resourceGroupId,
    Tags: tagsView(command.tags),
  };
}

/** `timedTask`: the invocation repeats (Period, NextRebootOnly, EveryReboot); Timed is then true while this instance's part is live. */
export function invokeInstanceView(run: InstanceRunRecord, includeOutput: boolean, encoding: TextEncoding, timedTask = false): Body {
  const view: Body = {
    InstanceId: run.instanceId,
    InvocationStatus: run.status,
    InstanceInvokeStatus: legacyInstanceStatus(run.status),
    Repeats: run.repeats,
    ExitCode: run.exitCode ?? 0,
    Dropped: run.dropped,
    ErrorCode: run.errorCode,
    ErrorInfo: run.errorInfo,
    CreationTime: run.creationTime,
    StartTime: run.startTime,
    FinishTime: run.finishTime,
    UpdateTime: run.updateTime,
    StopTime: run.stopTime,
    Timed: timedTask && isLive([run.status]),
    OssOutputStatus: '',
    OssOutputUri: '',
    OssOutputErrorCode: '',
    OssOutputErrorInfo: '',
  };
  if (includeOutput) view.Output = encodeText(run.output, encoding);
  return view;
}

export function invocationView(
  invocation: InvocationRecord,
  runs: readonly InstanceRunRecord[],
  includeOutput: boolean,
  encoding: TextEncoding,
): Body {
  const statuses = runs.map((r) => r.status);
  return {
    InvokeId: invocation.invokeId,
    CommandId: invocation.commandId,
    CommandName: invocation.commandName,
    CommandType: invocation.commandType,
    CommandDescription: invocation.commandDescription,
    CommandContent: encodeText(invocation.commandContent, encoding),
    Parameters: JSON.stringify(invocation.parameters),
    RepeatMode: invocation.repeatMode,
    Frequency: invocation.frequency,
    // Timed: the task will still run by itself (spec §5).
    Timed: isRepeating(invocation.repeatMode) && isLive(statuses),
    Timeout: invocation.timeout,
    WorkingDir: invocation.workingDir,
    Username: invocation.username,
    Launcher: invocation.launcher,
    ContainerId: invocation.containerId,
    ContainerName: invocation.containerName,
    TerminationMode: invocation.terminationMode,
    OssOutputDelivery: invocation.ossOutputDelivery ?? '',
    CreationTime: invocation.creationTime,
    InvocationStatus: aggregateStatus(statuses),
    InvokeStatus: legacyInvokeStatus(statuses),
    ResourceGroupId: invocation.resourceGroupId,
    Tags: tagsView(invocation.tags),
    InvokeInstances: { InvokeInstance: runs.map((run) => invokeInstanceView(run, includeOutput, encoding, isRepeating(invocation.repeatMode))) },
  };
}

export function invocationResultView(invocation: InvocationRecord, run: InstanceRunRecord, encoding: TextEncoding): Body {
  return {
    CommandId: invocation.commandId,
    InvokeId: invocation.invokeId,
    InstanceId: run.instanceId,
    InvocationStatus: run.status,
    InvokeRecordStatus: legacyInvokeStatus([run.status]),
    ExitCode: run.exitCode ?? 0,
    Output: encodeText(run.output, encoding),
    Dropped: run.dropped,
    ErrorCode: run.errorCode,
    ErrorInfo: run.errorInfo,
    Repeats: run.repeats,
    StartTime: run.startTime,
    FinishedTime: run.finishTime,
    StopTime: run.stopTime,
    Username: invocation.username,
    ContainerId: invocation.containerId,
    ContainerName: invocation.containerName,
    TerminationMode: invocation.terminationMode,
    Launcher: invocation.launcher,
    OssOutputDelivery: invocation.ossOutputDelivery ?? '',
    OssOutputStatus: '',
    OssOutputUri: '',
    OssOutputErrorCode: '',
    OssOutputErrorInfo: '',
    Tags: tagsView(invocation.tags),
  };
}

/** `stats`: what the instance's runs say of it (InstanceQueries.runStats). */
export function managedInstanceView(instance: InstanceRecord, connected: boolean, stats: Pick<InstanceRunStats, 'invocationCount' | 'lastInvokedTime'>): Body {
  return {
    InstanceId: instance.instanceId,
    InstanceName: instance.name,
    Hostname: instance.hostname,
    ActivationId: instance.activationId,
    AgentVersion: instance.agentVersion,
    Connected: connected,
    InternetIp: '',
    // The agent's first non-loopback IPv4 address (loopback when it reported none).
    IntranetIp: instance.machine?.ipAddresses?.[0] ?? '127.0.0.1',
    MachineId: '',
    OsType: instance.osType.toLowerCase(),
    OsVersion: instance.machine?.osVersion ?? '',
    RegistrationTime: instance.registrationTime,
    LastInvokedTime: stats.lastInvokedTime,
    InvocationCount: stats.invocationCount,
    ResourceGroupId: resourceGroupOf(instance),
    Tags: instance.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })),
  };
}
