import { FINAL_STATUSES } from '../controlplane/invocations/aggregate-status.js';
import type { ApiClient } from './api-client.js';

interface ResultsBody {
  Invocation: {
    InvocationResults: {
      InvocationResult: Array<{ InstanceId: string; InvocationStatus: string; ExitCode: number; Output: string; ErrorCode: string; ErrorInfo: string; Dropped: number }>;
    };
  };
}

const FINAL = FINAL_STATUSES;

export interface RunOptions {
  instanceIds: string[];
  script: string;
  timeout?: number;
  username?: string;
  workingDir?: string;
  write: (text: string) => void;
}

/**
 * `casim run`: RunCommand, then shows each instance's output as it grows and its final status.
 * Returns true when every instance succeeded.
 */
export async function runAndFollow(client: ApiClient, options: RunOptions): Promise<boolean> {
  const { InvokeId } = await client.call<{ InvokeId: string }>('RunCommand', {
    Type: 'RunShellScript',
    CommandContent: options.script,
    InstanceId: options.instanceIds,
    Timeout: options.timeout,
    Username: options.username,
    WorkingDir: options.workingDir,
  });
  options.write(`invocation ${InvokeId}\n`);
  const shown = new Map<string, number>();
  const multi = options.instanceIds.length > 1;
  for (;;) {
    const body = await client.call<ResultsBody>('DescribeInvocationResults', { InvokeId, ContentEncoding: 'PlainText', PageSize: 50 });
    const results = body.Invocation.InvocationResults.InvocationResult;
    for (const result of results) {
      const seen = shown.get(result.InstanceId) ?? 0;
      const fresh = result.Output.slice(seen);
      if (fresh) {
        options.write(multi ? fresh.replace(/^(?=.)/gm, `[${result.InstanceId}] `) : fresh);
        shown.set(result.InstanceId, result.Output.length);
      }
    }
    if (results.length > 0 && results.every((r) => FINAL.has(r.InvocationStatus))) {
      for (const r of results) {
        const error = r.ErrorCode ? ` ${r.ErrorCode}: ${r.ErrorInfo}` : '';
        options.write(`${r.InstanceId}: ${r.InvocationStatus} (exit code ${r.ExitCode})${error}\n`);
      }
      return results.every((r) => r.InvocationStatus === 'Success');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
