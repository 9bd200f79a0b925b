import type { ActionName } from '../catalog.js';
import { createCommand } from './commands.js';
import type { Handler } from './context.js';
import {
  createActivation,
  deleteInstances,
  describeCloudAssistantStatus,
  describeInstances,
  describeManagedInstances,
  runInstances,
} from './instances.js';
import { describeInvocationResults, describeInvocations, invokeCommand, runCommand, stopInvocation } from './invocations.js';

/** The handler of every catalogued Action. */
export const HANDLERS: Record<ActionName, Handler> = {
  CreateCommand: createCommand,
  InvokeCommand: invokeCommand,
  RunCommand: runCommand,
  StopInvocation: stopInvocation,
  DescribeInvocations: describeInvocations,
  DescribeInvocationResults: describeInvocationResults,
  DescribeCloudAssistantStatus: describeCloudAssistantStatus,
  CreateActivation: createActivation,
  DescribeManagedInstances: describeManagedInstances,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  DeleteInstances: deleteInstances,
};
