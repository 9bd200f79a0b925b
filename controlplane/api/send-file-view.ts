import { fileAggregateStatus } from '../files/file-aggregate-status.js';
import type { FileDeliveryRecord, FileInvocationRecord } from '../store/records.js';
import { tagsView, type Body } from './views.js';

/** One SendFile in DescribeSendFileResults' shape (spec §14.2; Overwrite is a string, as in the SDK). */
export function fileInvocationView(invocation: FileInvocationRecord, rows: readonly FileDeliveryRecord[]): Body {
  return {
    InvokeId: invocation.invokeId,
    Name: invocation.name,
    Description: invocation.description,
    Content: invocation.content,
    ContentType: invocation.contentType,
    FileOwner: invocation.fileOwner,
    FileGroup: invocation.fileGroup,
    FileMode: invocation.fileMode,
    TargetDir: invocation.targetDir,
    Overwrite: String(invocation.overwrite),
    CreationTime: invocation.creationTime,
    VmCount: invocation.instanceIds.length,
    InvocationStatus: fileAggregateStatus(rows.map((r) => r.status)),
    Tags: tagsView(invocation.tags),
    InvokeInstances: {
      InvokeInstance: rows.map((row) => ({
        InstanceId: row.instanceId,
        InvocationStatus: row.status,
        CreationTime: row.creationTime,
        StartTime: row.startTime,
        FinishTime: row.finishTime,
        UpdateTime: row.updateTime,
        ErrorCode: row.errorCode,
        ErrorInfo: row.errorInfo,
      })),
    },
  };
}
