import { describe, expect, it } from 'vitest';
import { machineFactsOf, parseServerFrame } from '../../agent/server-frames.js';
import { MachineFactsSchema, parseServerMessage } from '../../shared/protocol.js';

// The agent checks frames without zod (agent/server-frames.ts); zod's parseServerMessage is the
// reference. Every frame below must get the same verdict and, when valid, the same message.
const task = {
  taskId: 't-1.i-1', run: 1, invokeId: 't-1', commandId: 'c-1', commandName: 'deploy', type: 'RunShellScript',
  script: 'echo hi', workingDir: '/tmp', username: 'root', timeoutSeconds: 60, terminationMode: 'ProcessTree',
};
const file = {
  fileId: 'f-1.i-1', invokeId: 'f-1', name: 'a.txt', targetDir: '/tmp', content: 'aGk=', owner: 'root', group: 'root',
  mode: '0644', overwrite: true, timeoutSeconds: 60,
};
const valid: Record<string, unknown>[] = [
  { type: 'welcome', instanceId: 'i-1', heartbeatSeconds: 30 },
  { type: 'registered', instanceId: 'i-1', secret: 's' },
  { type: 'rejected', reason: '' },
  { type: 'task', task },
  { type: 'task', task: { ...task, launcher: 'python3 -u {{ACS::ScriptFileName}}', dryRun: true, containerId: 'docker://abc', containerName: 'web' } },
  { type: 'started-ack', taskId: 't-1.i-1', run: 0 },
  { type: 'output-ack', taskId: 't-1.i-1', run: 2 ** 31 - 1, seq: Number.MAX_SAFE_INTEGER },
  { type: 'finish-ack', taskId: 't-1.i-1', run: 1 },
  { type: 'task-stop', taskId: 't-1.i-1', run: 1 },
  { type: 'file', file },
  { type: 'file-finish-ack', fileId: 'f-1.i-1' },
];
const without = (value: Record<string, unknown>, key: string): Record<string, unknown> => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
const hostile: unknown[] = [
  null, 1, 'welcome', [], {}, { type: 'nope' }, { type: 'Welcome', instanceId: 'i-1', heartbeatSeconds: 30 },
  { type: 'welcome', instanceId: 'i-1', heartbeatSeconds: 0 },
  { type: 'welcome', instanceId: 'i-1', heartbeatSeconds: 3601 },
  { type: 'welcome', instanceId: 'i-1', heartbeatSeconds: 1.5 },
  { type: 'welcome', instanceId: 'i-1', heartbeatSeconds: '30' },
  { type: 'welcome', instanceId: '', heartbeatSeconds: 30 },
  { type: 'welcome', instanceId: 'i 1', heartbeatSeconds: 30 },
  { type: 'welcome', instanceId: 'i'.repeat(161), heartbeatSeconds: 30 },
  { type: 'welcome', instanceId: null, heartbeatSeconds: 30 },
  { type: 'registered', instanceId: 'i-1', secret: '' },
  { type: 'registered', instanceId: 'i-1', secret: 's'.repeat(257) },
  { type: 'rejected', reason: 'r'.repeat(1025) },
  { type: 'task' },
  { type: 'task', task: null },
  ...Object.keys(task).map((key) => ({ type: 'task', task: without(task, key) })),
  { type: 'task', task: { ...task, type: 'RunPowerShellScript' } },
  { type: 'task', task: { ...task, terminationMode: 'Group' } },
  { type: 'task', task: { ...task, run: -1 } },
  { type: 'task', task: { ...task, run: 2 ** 31 } },
  { type: 'task', task: { ...task, timeoutSeconds: -1 } },
  { type: 'task', task: { ...task, script: 'x'.repeat(1024 * 1024 + 1) } },
  { type: 'task', task: { ...task, workingDir: 1 } },
  { type: 'task', task: { ...task, dryRun: 'yes' } },
  { type: 'task', task: { ...task, launcher: null } },
  { type: 'task', task: { ...task, containerId: 'c'.repeat(257) } },
  { type: 'task', task: { ...task, taskId: 't-1/../$(x)' } },
  { type: 'output-ack', taskId: 't-1.i-1', run: 1, seq: -1 },
  { type: 'output-ack', taskId: 't-1.i-1', run: 1, seq: Number.MAX_SAFE_INTEGER + 2 },
  { type: 'output-ack', taskId: 't-1.i-1', run: 1 },
  { type: 'finish-ack', run: 1 },
  { type: 'task-stop', taskId: 't-1.i-1', run: '1' },
  { type: 'file', file: { ...file, content: 'not base64!' } },
  { type: 'file', file: { ...file, content: 'A'.repeat(Math.ceil((2 * 1024 * 1024) / 3) * 4 + 4) } },
  { type: 'file', file: { ...file, overwrite: 'true' } },
  { type: 'file', file: { ...file, mode: '0'.repeat(17) } },
  ...Object.keys(file).map((key) => ({ type: 'file', file: without(file, key) })),
  { type: 'file-finish-ack', fileId: '' },
];

describe('parseServerFrame (the agent, without zod) agrees with parseServerMessage (zod)', () => {
  it.each(valid.map((frame) => [frame.type, frame]))('accepts a valid %s frame with the same message', (_type, frame) => {
    const zod = parseServerMessage(JSON.stringify(frame));
    expect(zod.ok).toBe(true);
    expect(parseServerFrame(JSON.stringify(frame))).toEqual(zod);
  });

  it('accepts a frame with unknown keys, as zod does, and passes it on as received (the agent reads the named fields)', () => {
    const frame = { type: 'task', extra: 1, task: { ...task, extra: { deep: true } } };
    const zod = parseServerMessage(JSON.stringify(frame));
    const ours = parseServerFrame(JSON.stringify(frame));
    expect(zod).toEqual({ ok: true, message: { type: 'task', task } });
    expect(ours).toEqual({ ok: true, message: frame });
  });

  it.each(hostile.map((frame, index) => [index, JSON.stringify(frame).slice(0, 120), frame]))('refuses hostile frame #%i %s, as zod does', (_index, _text, frame) => {
    expect(parseServerMessage(JSON.stringify(frame)).ok).toBe(false);
    const ours = parseServerFrame(JSON.stringify(frame));
    expect(ours.ok).toBe(false);
    expect(ours.ok ? '' : ours.reason).toMatch(/\S/);
  });

  it('refuses what is not JSON', () => {
    expect(parseServerFrame('{"type":')).toEqual({ ok: false, reason: 'not JSON' });
  });

  it('names the field that failed', () => {
    const failed = parseServerFrame(JSON.stringify({ type: 'task', task: { ...task, run: -1 } }));
    expect(failed.ok ? '' : failed.reason).toMatch(/^task\/run: /);
    const unknown = parseServerFrame(JSON.stringify({ type: 'nope' }));
    expect(unknown.ok).toBe(false);
  });
});

describe('machineFactsOf agrees with MachineFactsSchema', () => {
  it.each<[string, unknown]>([
    ['all facts', { osName: 'Debian', osVersion: 'Debian 12', kernel: '6.1', hostname: 'h', ipAddresses: ['10.0.0.1'], cpuModel: 'EPYC', cpuCores: 2, memoryBytes: 2 ** 34 }],
    ['none', {}],
    ['an extra key', { osName: 'Debian', extra: 1 }],
    ['too many addresses', { ipAddresses: Array.from({ length: 65 }, () => '10.0.0.1') }],
    ['a long address', { ipAddresses: ['1'.repeat(65)] }],
    ['negative cores', { cpuCores: -1 }],
    ['fractional memory', { memoryBytes: 1.5 }],
    ['a number for a name', { osName: 7 }],
    ['not an object', 'Debian'],
  ])('%s', (_name, value) => {
    const zod = MachineFactsSchema.safeParse(value);
    // Accepted alike; an accepted value is passed on as received (the control plane strips extras).
    expect(machineFactsOf(value)).toEqual(zod.success ? value : undefined);
    if (zod.success) expect(machineFactsOf(value)).toMatchObject(zod.data);
  });
});
