import { describe, expect, it } from 'vitest';
import { aggregateStatus, legacyInstanceStatus } from '../../controlplane/invocations/aggregate-status.js';
import type { InstanceInvocationStatus as S } from '../../controlplane/store/records.js';

describe('aggregateStatus (spec §7.2, Decisions §5)', () => {
  const cases: Array<[S[], string]> = [
    [['Pending', 'Running'], 'Pending'],
    [['Scheduled', 'Running'], 'Scheduled'],
    [['Running', 'Success'], 'Running'],
    [['Stopping', 'Success'], 'Stopping'],
    [['Running', 'Stopping'], 'Running'],
    [['Success'], 'Success'],
    [['Success', 'Cancelled'], 'Success'],
    [['Success', 'Terminated'], 'Success'],
    [['Failed'], 'Failed'],
    [['Invalid', 'Aborted', 'Timeout', 'Error'], 'Failed'],
    [['Failed', 'Cancelled'], 'Failed'],
    [['Cancelled', 'Terminated'], 'Stopped'],
    [['Success', 'Failed'], 'PartialFailed'],
    [['Success', 'Timeout', 'Cancelled'], 'PartialFailed'],
  ];
  it.each(cases)('derives %j as %s', (statuses, expected) => {
    expect(aggregateStatus(statuses)).toBe(expected);
  });
});

describe('legacyInstanceStatus (spec §7.3)', () => {
  it.each([
    ['Success', 'Finished'],
    ['Timeout', 'Failed'],
    ['Cancelled', 'Stopped'],
    ['Running', 'Running'],
  ] as Array<[S, string]>)('maps %s to %s', (status, expected) => {
    expect(legacyInstanceStatus(status)).toBe(expected);
  });
});
