import { keptCommandsLabel } from '../../store/record-keys.js';
import { formatApiTime } from '../../../shared/clock.js';
import { newCommandId } from '../../ids.js';
import { parameterNames } from '../../invocations/custom-parameters.js';
import type { CommandRecord, CommandType } from '../../store/records.js';
import { apiError } from '../errors.js';
import type { ValidArgs } from '../validate-params.js';
import { FINAL_STATUSES } from '../../invocations/aggregate-status.js';
import { pageFields, pageFromStore, pageSpec } from '../paging.js';
import { commandView, textEncoding, type TextEncoding } from '../views.js';
import { pageRequest } from './paging-request.js';
import { checkContentSize, contentAsBase64, SAVED_CONTENT_LIMIT } from './content.js';
import type { ApiContext, Handler } from './context.js';

export const DEFAULT_COMMAND_TIMEOUT = 60;

export interface CommandOptions {
  kept: boolean;
  /** CreateCommand defaults to Base64, RunCommand to PlainText (spec §2, §4). */
  defaultEncoding: TextEncoding;
  contentLimit: number;
}

/** Validates and builds (does not store) a command from CreateCommand/RunCommand arguments. */
export function buildCommand(args: ValidArgs, ctx: ApiContext, options: CommandOptions): CommandRecord {
  const encoding = textEncoding(args.string('ContentEncoding'), options.defaultEncoding);
  const content = contentAsBase64(args.string('CommandContent') ?? '', encoding);
  checkContentSize(content, options.contentLimit);
  const enableParameter = args.boolean('EnableParameter') ?? false;
  const names = enableParameter ? parameterNames(Buffer.from(content, 'base64').toString('utf8')) : [];
  const regionId = args.string('RegionId') ?? '';
  if (options.kept) {
    const kept = ctx.store.commands.countWithLabel(keptCommandsLabel({ regionId, kept: true }));
    if (kept >= ctx.quotas.commandsPerRegion) throw apiError('CmdCount.ExceedQuota');
  }
  return {
    commandId: newCommandId(),
    regionId,
    name: args.string('Name') ?? '',
    description: args.string('Description') ?? '',
    type: args.string('Type') as CommandType,
    content,
    workingDir: args.string('WorkingDir') ?? '',
    timeout: args.integer('Timeout') ?? args.integer('TimeOut') ?? DEFAULT_COMMAND_TIMEOUT,
    enableParameter,
    launcher: args.string('Launcher') ?? '',
    parameterNames: names,
    creationTime: formatApiTime(ctx.clock.now()),
    resourceGroupId: args.string('ResourceGroupId') ?? '',
    tags: args.tags('Tag'),
    kept: options.kept,
    invokeTimes: 0,
  };
}

export const createCommand: Handler = (args, ctx) => {
  const command = buildCommand(args, ctx, { kept: true, defaultEncoding: 'Base64', contentLimit: SAVED_CONTENT_LIMIT });
  ctx.store.commands.add(command);
  return { CommandId: command.commandId };
};

/** `*` wildcards for private command names and descriptions (spec §9); exact match otherwise. */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const regex = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${regex}$`, 's').test(value);
}

function findCommand(args: ValidArgs, ctx: ApiContext): CommandRecord {
  const command = ctx.store.commands.get(args.string('CommandId') ?? '');
  if (!command || !command.kept || command.regionId !== args.string('RegionId')) throw apiError('InvalidCmdId.NotFound');
  return command;
}

export const describeCommands: Handler = (args, ctx) => {
  const encoding = textEncoding(args.string('ContentEncoding'));
  const wanted = args.tags('Tag');
  // casim has no public (provider) commands: a Provider filter lists none.
  const request = pageRequest(args);
  const spec = pageSpec(request);
  const found = args.has('Provider')
    ? { items: [], total: 0, next: undefined }
    : ctx.store.commandQueries.describeCommands(
        {
          regionId: args.string('RegionId') ?? '',
          commandId: args.string('CommandId'),
          name: args.string('Name'),
          description: args.string('Description'),
          type: args.string('Type'),
          resourceGroupId: args.string('ResourceGroupId'),
          tags: wanted,
        },
        spec,
      );
  const page = pageFromStore(found, spec, request);
  return { ...pageFields(page), Commands: { Command: page.items.map((c) => commandView(c, encoding)) } };
};

export const modifyCommand: Handler = (args, ctx) => {
  const command = findCommand(args, ctx);
  ctx.store.commands.put({
    ...command,
    name: args.string('Name') ?? command.name,
    description: args.string('Description') ?? command.description,
    workingDir: args.string('WorkingDir') ?? command.workingDir,
    timeout: args.integer('Timeout') ?? command.timeout,
    launcher: args.string('Launcher') ?? command.launcher,
  });
  return {};
};

export const deleteCommand: Handler = (args, ctx) => {
  const command = findCommand(args, ctx);
  if (ctx.store.invocationQueries.commandHasLiveRuns(command.commandId, [...FINAL_STATUSES])) throw apiError('InvalidCommand.Running');
  ctx.store.commands.put({ ...command, kept: false });
  return {};
};
