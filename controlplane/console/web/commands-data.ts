import type { ConsoleApi } from './api-client.js';
import { bool, list, num, str, strings } from './json-read.js';

export const COMMAND_TYPES = ['RunShellScript', 'RunBatScript', 'RunPowerShellScript'] as const;

export interface CommandRow {
  readonly commandId: string;
  readonly name: string;
  readonly description: string;
  readonly type: string;
  readonly content: string;
  readonly workingDir: string;
  readonly timeout: number | undefined;
  readonly enableParameter: boolean;
  readonly parameterNames: readonly string[];
  readonly launcher: string;
  readonly invokeTimes: number;
  readonly creationTime: string;
}

/** Saved commands, newest first (content as plain text). */
export async function loadCommands(api: ConsoleApi): Promise<CommandRow[]> {
  const rows: CommandRow[] = [];
  let token = '';
  for (let page = 0; page < 20; page += 1) {
    const body = await api.call('DescribeCommands', { MaxResults: 50, NextToken: token || undefined, ContentEncoding: 'PlainText' });
    for (const item of list(body, 'Commands', 'Command')) {
      rows.push({
        commandId: str(item, 'CommandId'),
        name: str(item, 'Name'),
        description: str(item, 'Description'),
        type: str(item, 'Type'),
        content: str(item, 'CommandContent'),
        workingDir: str(item, 'WorkingDir'),
        timeout: num(item, 'Timeout'),
        enableParameter: bool(item, 'EnableParameter'),
        parameterNames: strings(item, 'ParameterNames', 'ParameterName'),
        launcher: str(item, 'Launcher'),
        invokeTimes: num(item, 'InvokeTimes') ?? 0,
        creationTime: str(item, 'CreationTime'),
      });
    }
    token = str(body, 'NextToken');
    if (!token) break;
  }
  return rows;
}
