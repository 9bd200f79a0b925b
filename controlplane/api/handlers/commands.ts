import { formatApiTime } from '../../../shared/clock.js';
import { newCommandId } from '../../ids.js';
import { parameterNames } from '../../invocations/custom-parameters.js';
import type { CommandRecord, CommandType } from '../../store/records.js';
import { apiError } from '../errors.js';
import type { ValidArgs } from '../validate-params.js';
import { textEncoding, type TextEncoding } from '../views.js';
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
    const kept = ctx.store.commands.all().filter((c) => c.kept && c.regionId === regionId).length;
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
    timeout: args.integer('Timeout') ?? DEFAULT_COMMAND_TIMEOUT,
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
