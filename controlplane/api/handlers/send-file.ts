import { formatApiTime } from '../../../shared/clock.js';
import { FILE_DEFAULTS, fileContentBase64, sendFileTimeout } from '../../files/file-content.js';
import { newFileInvokeId } from '../../ids.js';
import { lifecycleStatus } from '../../instances/instance-lifecycle.js';
import type { FileContentType, FileInvocationRecord } from '../../store/records.js';
import { apiError } from '../errors.js';
import { pageFields, pageFromStore, pageSpec } from '../paging.js';
import { fileInvocationView } from '../send-file-view.js';
import type { Handler } from './context.js';
import { pageRequest } from './paging-request.js';
import { inResourceGroup, targetResourceGroup } from './resource-group-scope.js';

/** SendFile (spec §14.1): checks the call, stores it and pushes the file to every instance. */
export const sendFile: Handler = (args, ctx) => {
  const contentType = (args.string('ContentType') as FileContentType | undefined) ?? 'PlainText';
  const content = args.string('Content') ?? '';
  fileContentBase64(content, contentType); // FileContent.DecodeError, FileSize.ExceedLimit
  const group = targetResourceGroup(args, ctx);
  const instanceIds = [...new Set(args.list('InstanceId'))];
  const notRunning = new Set<string>();
  for (const instanceId of instanceIds) {
    const instance = ctx.registry.get(instanceId);
    if (!instance || !inResourceGroup(instance, group)) throw apiError('InvalidInstance.NotFound', '', 'SendFile');
    if (lifecycleStatus(instance) !== 'Running') notRunning.add(instanceId);
  }
  const invocation: FileInvocationRecord = {
    invokeId: newFileInvokeId(),
    regionId: args.string('RegionId') ?? '',
    name: args.string('Name') ?? '',
    description: args.string('Description') ?? '',
    content,
    contentType,
    fileOwner: args.string('FileOwner') ?? FILE_DEFAULTS.owner,
    fileGroup: args.string('FileGroup') ?? FILE_DEFAULTS.group,
    fileMode: args.string('FileMode') ?? FILE_DEFAULTS.mode,
    targetDir: args.string('TargetDir') ?? '',
    overwrite: args.boolean('Overwrite') ?? false,
    timeout: sendFileTimeout(args.integer('Timeout')),
    creationTime: formatApiTime(ctx.clock.now()),
    resourceGroupId: args.string('ResourceGroupId') ?? '',
    tags: args.tags('Tag'),
    instanceIds,
  };
  ctx.files.start(invocation, notRunning);
  return { InvokeId: invocation.invokeId };
};

/**
 * DescribeSendFileResults (spec §14.2): newest first; with InstanceId, only that instance's part
 * (and its status as the aggregate), as DescribeInvocations does. In SQL (store/file-queries.ts).
 */
export const describeSendFileResults: Handler = (args, ctx) => {
  const request = pageRequest(args);
  const spec = pageSpec(request);
  const found = ctx.store.fileQueries.describeSendFileResults(
    {
      regionId: args.string('RegionId') ?? '',
      invokeId: args.string('InvokeId'),
      instanceId: args.string('InstanceId'),
      name: args.string('Name'),
      resourceGroupId: args.string('ResourceGroupId'),
      tags: args.tags('Tag'),
      status: args.string('InvocationStatus'),
    },
    spec,
  );
  const page = pageFromStore(found, spec, request);
  return {
    ...pageFields(page),
    Invocations: { Invocation: page.items.map(({ invocation, deliveries }) => fileInvocationView(invocation, deliveries)) },
  };
};
