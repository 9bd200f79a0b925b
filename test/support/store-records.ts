import type { CommandRecord, InstanceRecord, InstanceRunRecord, InvocationRecord } from '../../controlplane/store/records.js';

/** Complete records for store tests (every field set, as the services write them). */

export function commandRecord(commandId: string, overrides: Partial<CommandRecord> = {}): CommandRecord {
  return {
    commandId, regionId: 'cn-hangzhou', name: `name-${commandId}`, description: '', type: 'RunShellScript', content: Buffer.from('echo hi').toString('base64'),
    workingDir: '', timeout: 60, enableParameter: false, launcher: '', parameterNames: [], creationTime: '2026-11-01T00:00:00Z', resourceGroupId: '',
    tags: [], kept: true, invokeTimes: 0, ...overrides,
  };
}

export function invocationRecord(invokeId: string, instanceIds: string[], overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    invokeId, regionId: 'cn-hangzhou', commandId: 'c-1', commandName: 'name-c-1', commandType: 'RunShellScript', commandDescription: '',
    commandContent: Buffer.from('echo hi').toString('base64'), enableParameter: false, parameters: {}, repeatMode: 'Once', frequency: '', timeout: 60,
    workingDir: '', username: 'root', containerId: '', containerName: '', terminationMode: 'Process', launcher: '', creationTime: '2026-11-01T00:00:00Z',
    resourceGroupId: '', tags: [], instanceIds, ossOutputDelivery: '', ...overrides,
  };
}

export function runRecord(invokeId: string, instanceId: string, status: InstanceRunRecord['status'], overrides: Partial<InstanceRunRecord> = {}): InstanceRunRecord {
  return {
    invokeId, instanceId, run: 1, status, errorCode: '', errorInfo: '', exitCode: null, output: '', dropped: 0, creationTime: '2026-11-01T00:00:00Z',
    startTime: '', finishTime: '', updateTime: '2026-11-01T00:00:00Z', stopTime: '', repeats: 0, nextRunTime: '', deliveredTime: '', outputSeq: 0, ...overrides,
  };
}

export function instanceRecord(instanceId: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId, kind: 'managed', regionId: 'cn-hangzhou', name: instanceId, hostname: instanceId, secretHash: '00', osType: 'Linux', agentVersion: '1.0',
    activationId: '', registrationTime: '2026-11-01T00:00:00Z', lastHeartbeatTime: '', lastInvokedTime: '', invocationCount: 0, containerId: '',
    imageId: '', tags: [], deregistered: false, status: 'Running', ...overrides,
  };
}
