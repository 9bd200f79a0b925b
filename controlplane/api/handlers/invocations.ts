import { invocationDayLabel } from '../../store/record-keys.js';
import { formatApiTime } from '../../../shared/clock.js';
import type { TerminationMode } from '../../../shared/protocol.js';
import { newCommandId, newInvokeId } from '../../ids.js';
import { isLive } from '../../invocations/aggregate-status.js';
import { usesParameterStore } from '../../invocations/built-in-parameters.js';
import { isRepeating } from '../../invocations/repeat-mode.js';
import { effectiveRepeatMode } from '../../invocations/effective-repeat-mode.js';
import { parseFrequency } from '../../scheduler/parse-frequency.js';
import { checkInvocationParameters, parameterNames, substituteParameters } from '../../invocations/custom-parameters.js';
import type { CommandRecord, InvocationRecord, RepeatMode } from '../../store/records.js';
import { lifecycleStatus } from '../../instances/instance-lifecycle.js';
import { apiError } from '../errors.js';
import { pageFields, pageFromStore, pageSpec } from '../paging.js';
import { pageRequest } from './paging-request.js';
import type { ValidArgs } from '../validate-params.js';
import { invocationResultView, invocationView, textEncoding } from '../views.js';
import { buildCommand } from './commands.js';
import { checkContentSize, contentAsBase64, RUN_ONLY_CONTENT_LIMIT, SAVED_CONTENT_LIMIT } from './content.js';
import type { ApiContext, Handler } from './context.js';
import { inResourceGroup, targetResourceGroup } from './resource-group-scope.js';

/**
 * The effective RepeatMode (effective-repeat-mode.ts); a Period needs a Frequency, which must
 * parse and have a future run.
 */
function repeatModeOf(args: ValidArgs, timeoutSeconds: number, now: Date): RepeatMode {
  const frequency = args.string('Frequency');
  const mode = effectiveRepeatMode({ frequency, timed: args.boolean('Timed'), repeatMode: args.string('RepeatMode') as RepeatMode | undefined });
  if (mode === 'Period' && !frequency) throw apiError('MissingParam.Frequency');
  if (frequency) parseFrequency(frequency, { timeoutSeconds, now });
  return mode;
}

/**
 * InstanceId.N, or the Running instances carrying every ResourceTag.N (spec §3); the two are
 * mutually exclusive and one is needed. ResourceTag may match at most 100 instances.
 */
function targetInstances(args: ValidArgs, ctx: ApiContext): string[] {
  const ids = [...new Set(args.list('InstanceId'))];
  const resourceTags = args.tags('ResourceTag');
  if (resourceTags.length === 0) {
    if (ids.length === 0) throw apiError('MissingParam.InstanceId');
    if (ids.length > ctx.quotas.instancesPerCall) throw apiError('InstanceIds.ExceedLimit');
    return ids;
  }
  if (ids.length > 0) throw apiError('InvalidResourceTag.ConflictWithInstanceIds');
  // On the tags index (the first tag's entries), at most one past the quota.
  const matched = ctx.store.instanceQueries.runningWithTags(args.string('RegionId') ?? '', resourceTags, args.string('ResourceGroupId'), ctx.quotas.instancesPerCall + 1);
  if (matched.length === 0) throw apiError('InvalidResourceTag.InstanceNotFound');
  if (matched.length > ctx.quotas.instancesPerCall) throw apiError('InstanceIds.ExceedLimit');
  return matched;
}

/** Checks and starts an invocation of `command` (InvokeCommand and RunCommand share this). */
function invoke(command: CommandRecord, args: ValidArgs, ctx: ApiContext, contentLimit: number, action: 'InvokeCommand' | 'RunCommand'): string {
  const today = ctx.store.invocations.countWithLabel(invocationDayLabel(command.regionId, formatApiTime(ctx.clock.now())));
  if (today >= ctx.quotas.invocationsPerDay) throw apiError('Invocation.ExceedQuota');
  const instanceIds = targetInstances(args, ctx);
  const group = args.string('ResourceGroupId');
  for (const instanceId of instanceIds) {
    const instance = ctx.registry.get(instanceId);
    if (!instance || !inResourceGroup(instance, group)) throw apiError('InvalidInstance.NotFound');
    // Instances must be Running (spec §3): a stopped one cannot take the command.
    if (lifecycleStatus(instance) !== 'Running') throw apiError('InvalidInstance.NotMatch');
    if (command.type !== 'RunShellScript' && instance.osType === 'Linux') throw apiError('InvalidInstance.NotMatch');
  }
  const timeout = args.integer('Timeout') ?? command.timeout;
  const repeatMode = repeatModeOf(args, timeout, ctx.clock.now());
  const given = args.object('Parameters');
  if (given && Object.keys(given).length > 0 && !command.enableParameter) throw apiError('Parameter.Disabled');
  const parameters = command.enableParameter ? checkInvocationParameters(given ?? {}, command.parameterNames) : {};
  if (command.enableParameter && usesParameterStore(Buffer.from(command.content, 'base64').toString('utf8'))) {
    throw apiError('ParameterStore.NotSupported');
  }
  if (command.enableParameter) {
    const substituted = substituteParameters(Buffer.from(command.content, 'base64').toString('utf8'), parameters);
    checkContentSize(Buffer.from(substituted, 'utf8').toString('base64'), contentLimit, action);
  }
  const invocation: InvocationRecord = {
    invokeId: newInvokeId(),
    regionId: command.regionId,
    commandId: command.commandId,
    commandName: command.name,
    commandType: command.type,
    commandDescription: command.description,
    commandContent: command.content,
    enableParameter: command.enableParameter,
    parameters,
    repeatMode,
    frequency: args.string('Frequency') ?? '',
    timeout,
    workingDir: args.string('WorkingDir') ?? command.workingDir,
    username: args.string('Username') ?? 'root',
    containerId: args.string('ContainerId') ?? '',
    containerName: args.string('ContainerName') ?? '',
    terminationMode: (args.string('TerminationMode') as TerminationMode | undefined) ?? 'Process',
    launcher: args.string('Launcher') ?? command.launcher,
    creationTime: formatApiTime(ctx.clock.now()),
    resourceGroupId: args.string('ResourceGroupId') ?? '',
    tags: args.tags('Tag'),
    instanceIds,
    ossOutputDelivery: args.string('OssOutputDelivery') ?? '',
  };
  ctx.store.transaction(() => {
    ctx.store.commands.put({ ...command, invokeTimes: command.invokeTimes + 1 });
    ctx.invocations.start(invocation);
  });
  return invocation.invokeId;
}

/** One of InstanceId.N and ResourceTag.N is needed, checked before anything else (spec §3). */
function requireTargets(args: ValidArgs, ctx: ApiContext): void {
  if (args.list('InstanceId').length === 0 && args.tags('ResourceTag').length === 0) throw apiError('MissingParam.InstanceId');
  if (args.list('InstanceId').length > ctx.quotas.instancesPerCall) throw apiError('InstanceIds.ExceedLimit');
}

export const invokeCommand: Handler = (args, ctx) => {
  requireTargets(args, ctx);
  targetResourceGroup(args, ctx);
  const command = ctx.store.commands.get(args.string('CommandId') ?? '');
  if (!command || !command.kept || command.regionId !== args.string('RegionId')) throw apiError('InvalidCmdId.NotFound');
  return { InvokeId: invoke(command, args, ctx, SAVED_CONTENT_LIMIT, 'InvokeCommand') };
};

export const runCommand: Handler = (args, ctx) => {
  requireTargets(args, ctx);
  targetResourceGroup(args, ctx); // before the command is made: it would carry the group
  const kept = args.boolean('KeepCommand') ?? false;
  const limit = kept ? SAVED_CONTENT_LIMIT : RUN_ONLY_CONTENT_LIMIT;
  const command = buildCommand(args, ctx, { kept, defaultEncoding: 'PlainText', contentLimit: limit });
  // The command and its invocation are stored together or not at all.
  return ctx.store.transaction(() => {
    ctx.store.commands.add(command);
    return { CommandId: command.commandId, InvokeId: invoke(command, args, ctx, limit, 'RunCommand') };
  });
};

export const describeInvocations: Handler = (args, ctx) => {
  const encoding = textEncoding(args.string('ContentEncoding'));
  const includeOutput = args.boolean('IncludeOutput') ?? false;
  const instanceId = args.string('InstanceId');
  const request = pageRequest(args);
  const spec = pageSpec(request);
  const found = ctx.store.invocationQueries.describeInvocations(
    {
      regionId: args.string('RegionId') ?? '',
      invokeId: args.string('InvokeId'),
      commandId: args.string('CommandId'),
      // CommandName and RepeatMode are ignored with InstanceId (spec §6).
      commandName: instanceId === undefined ? args.string('CommandName') : undefined,
      commandType: args.string('CommandType'),
      instanceId,
      repeatMode: instanceId === undefined ? args.string('RepeatMode') : undefined,
      resourceGroupId: args.string('ResourceGroupId'),
      tags: args.tags('Tag'),
      timed: args.boolean('Timed'),
      invokeStatus: args.string('InvokeStatus'),
    },
    spec,
  );
  const page = pageFromStore(found, spec, request);
  return {
    ...pageFields(page),
    Invocations: { Invocation: page.items.map(({ invocation, runs }) => invocationView(invocation, runs, includeOutput, encoding)) },
  };
};

export const describeInvocationResults: Handler = (args, ctx) => {
  const encoding = textEncoding(args.string('ContentEncoding'));
  const request = pageRequest(args);
  const spec = pageSpec(request);
  const found = ctx.store.invocationQueries.describeInvocationResults(
    {
      regionId: args.string('RegionId') ?? '',
      invokeId: args.string('InvokeId'),
      instanceId: args.string('InstanceId'),
      commandId: args.string('CommandId'),
      resourceGroupId: args.string('ResourceGroupId'),
      tags: args.tags('Tag'),
      recordStatus: args.string('InvokeRecordStatus'),
      includeHistory: args.boolean('IncludeHistory') ?? false,
    },
    spec,
  );
  const page = pageFromStore(found, spec, request);
  return {
    Invocation: {
      ...pageFields(page),
      InvocationResults: { InvocationResult: page.items.map(({ invocation, run }) => invocationResultView(invocation, run, encoding)) },
    },
  };
};

export const stopInvocation: Handler = (args, ctx) => {
  const invocation = ctx.store.invocations.get(args.string('InvokeId') ?? '');
  if (!invocation || invocation.regionId !== args.string('RegionId')) throw apiError('InvalidInvokeId.NotFound');
  const selected = args.list('InstanceId');
  for (const instanceId of selected) if (!invocation.instanceIds.includes(instanceId)) throw apiError('InvalidInstanceId.NotFound');
  ctx.invocations.stop(invocation, selected.length > 0 ? selected : invocation.instanceIds);
  return {};
};

/**
 * ModifyInvocationAttribute (spec §12): a live Period / reboot task gets new content,
 * parameters, Frequency or more instances. New content makes a new command (its ID returned).
 */
export const modifyInvocationAttribute: Handler = (args, ctx) => {
  const invocation = ctx.store.invocations.get(args.string('InvokeId') ?? '');
  if (!invocation || invocation.regionId !== args.string('RegionId')) throw apiError('InvalidInvokeId.NotFound');
  if (!isRepeating(invocation.repeatMode) || !isLive(ctx.store.runsOf(invocation).map((r) => r.status))) throw apiError('Operation.Forbidden');
  const command = ctx.store.commands.get(invocation.commandId);
  let updated: InvocationRecord = { ...invocation };
  let commandId = invocation.commandId;
  if (args.has('CommandContent')) {
    const content = contentAsBase64(args.string('CommandContent') ?? '', textEncoding(args.string('ContentEncoding'), 'PlainText'));
    checkContentSize(content, command?.kept ? SAVED_CONTENT_LIMIT : RUN_ONLY_CONTENT_LIMIT);
    const enableParameter = args.boolean('EnableParameter') ?? invocation.enableParameter;
    const replacement: CommandRecord = {
      ...(command ?? { regionId: invocation.regionId, name: invocation.commandName, description: invocation.commandDescription, type: invocation.commandType, workingDir: invocation.workingDir, timeout: invocation.timeout, launcher: invocation.launcher, resourceGroupId: '', tags: [], kept: false, invokeTimes: 0 }),
      commandId: newCommandId(),
      content,
      enableParameter,
      parameterNames: enableParameter ? parameterNames(Buffer.from(content, 'base64').toString('utf8')) : [],
      creationTime: formatApiTime(ctx.clock.now()),
      invokeTimes: 1,
    };
    ctx.store.commands.add(replacement);
    commandId = replacement.commandId;
    updated = { ...updated, commandId, commandContent: content, enableParameter, parameters: enableParameter ? updated.parameters : {} };
  }
  if (args.has('Parameters')) {
    if (!updated.enableParameter) throw apiError('Parameter.Disabled');
    const names = parameterNames(Buffer.from(updated.commandContent, 'base64').toString('utf8'));
    updated = { ...updated, parameters: checkInvocationParameters(args.object('Parameters') ?? {}, names) };
  }
  if (args.has('Frequency')) {
    if (invocation.repeatMode !== 'Period') throw apiError('InvalidParam.Frequency');
    parseFrequency(args.string('Frequency') ?? '', { timeoutSeconds: invocation.timeout, now: ctx.clock.now() });
    updated = { ...updated, frequency: args.string('Frequency') ?? '' };
  }
  const added = [...new Set(args.list('InstanceId'))].filter((id) => !invocation.instanceIds.includes(id));
  for (const instanceId of added) {
    const instance = ctx.registry.get(instanceId);
    if (!instance || !inResourceGroup(instance, invocation.resourceGroupId || undefined)) throw apiError('InvalidInstance.NotFound');
    if (lifecycleStatus(instance) !== 'Running') throw apiError('InvalidInstance.NotMatch');
  }
  ctx.invocations.modify(updated, added);
  return { CommandId: commandId };
};
