import type { ActionName } from '../catalog.js';
import { deleteActivation, describeActivations, disableActivation } from './activations.js';
import { createCommand, deleteCommand, describeCommands, modifyCommand } from './commands.js';
import { deregisterManagedInstance, modifyManagedInstance } from './managed-instances.js';
import { describeRegions } from './regions.js';
import { describeSendFileResults, sendFile } from './send-file.js';
import type { Handler } from './context.js';
import {
  deleteInstance,
  deleteInstances,
  describeInstances,
  rebootInstance,
  rebootInstances,
  runInstances,
  startInstance,
  startInstances,
  stopInstance,
  stopInstances,
} from './ecs-instances.js';
import { createActivation, describeCloudAssistantStatus, describeManagedInstances } from './instances.js';
import { describeInvocationResults, describeInvocations, invokeCommand, modifyInvocationAttribute, runCommand, stopInvocation } from './invocations.js';

/** The handler of every catalogued Action. */
export const HANDLERS: Record<ActionName, Handler> = {
  CreateCommand: createCommand,
  DescribeCommands: describeCommands,
  ModifyCommand: modifyCommand,
  DeleteCommand: deleteCommand,
  InvokeCommand: invokeCommand,
  RunCommand: runCommand,
  StopInvocation: stopInvocation,
  ModifyInvocationAttribute: modifyInvocationAttribute,
  DescribeInvocations: describeInvocations,
  DescribeInvocationResults: describeInvocationResults,
  SendFile: sendFile,
  DescribeSendFileResults: describeSendFileResults,
  DescribeCloudAssistantStatus: describeCloudAssistantStatus,
  CreateActivation: createActivation,
  DescribeActivations: describeActivations,
  DisableActivation: disableActivation,
  DeleteActivation: deleteActivation,
  DescribeManagedInstances: describeManagedInstances,
  ModifyManagedInstance: modifyManagedInstance,
  DeregisterManagedInstance: deregisterManagedInstance,
  DescribeRegions: describeRegions,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  DeleteInstances: deleteInstances,
  DeleteInstance: deleteInstance,
  StartInstance: startInstance,
  StopInstance: stopInstance,
  RebootInstance: rebootInstance,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  RebootInstances: rebootInstances,
};
