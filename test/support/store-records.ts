import type {
  ActivationRecord,
  CommandRecord,
  FileDeliveryRecord,
  FileInvocationRecord,
  InstanceRecord,
  InstanceRunRecord,
  InvocationRecord,
} from '../../controlplane/store/records.js';

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
    activationId: '', registrationTime: '2026-11-01T00:00:00Z', purgedInvocationCount: 0, purgedLastInvokedTime: '', containerId: '',
    imageId: '', tags: [], deregistered: false, status: 'Running', ...overrides,
  };
}

export function activationRecord(activationId: string, overrides: Partial<ActivationRecord> = {}): ActivationRecord {
  return {
    activationId, regionId: 'cn-hangzhou', codeHash: '00', description: '', instanceName: '', instanceCount: 10, registeredCount: 0, deregisteredCount: 0,
    ipAddressRange: '0.0.0.0/0', timeToLiveInHours: 4, disabled: false, creationTime: '2026-11-01T00:00:00Z', resourceGroupId: '', tags: [], ...overrides,
  };
}

export function fileRecord(invokeId: string, instanceIds: string[], overrides: Partial<FileInvocationRecord> = {}): FileInvocationRecord {
  return {
    invokeId, regionId: 'cn-hangzhou', name: `name-${invokeId}`, description: '', content: 'hi', contentType: 'PlainText', fileOwner: 'root', fileGroup: 'root',
    fileMode: '0644', targetDir: '/tmp', overwrite: false, timeout: 60, creationTime: '2026-11-01T00:00:00Z', resourceGroupId: '', tags: [], instanceIds, ...overrides,
  };
}

export function deliveryRecord(invokeId: string, instanceId: string, status: FileDeliveryRecord['status'], overrides: Partial<FileDeliveryRecord> = {}): FileDeliveryRecord {
  return {
    invokeId, instanceId, status, errorCode: '', errorInfo: '', creationTime: '2026-11-01T00:00:00Z', startTime: '', finishTime: '', updateTime: '2026-11-01T00:00:00Z',
    ...overrides,
  };
}
