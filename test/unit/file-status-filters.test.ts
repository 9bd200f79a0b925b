import { describe, expect, it } from 'vitest';
import { fileAggregateStatus } from '../../controlplane/files/file-aggregate-status.js';
import { deliveryStatusesFor } from '../../controlplane/files/file-status-filters.js';
import { FILE_INSTANCE_STATUSES } from '../../controlplane/store/records.js';

describe('deliveryStatusesFor (DescribeSendFileResults InvocationStatus with InstanceId)', () => {
  it.each<[string, string[]]>([
    ['Pending', ['Pending']],
    ['Running', ['Running']],
    ['Success', ['Success']],
    ['Failed', ['Invalid', 'Aborted', 'Failed', 'Error', 'Timeout']],
    // One instance's status is never a mix.
    ['PartialFailed', []],
    ['Bogus', []],
  ])('%s → %j', (wanted, statuses) => {
    expect(deliveryStatusesFor(wanted)).toEqual(statuses);
  });

  it('is exactly the statuses whose one-row aggregate is the wanted status', () => {
    for (const status of FILE_INSTANCE_STATUSES) expect(deliveryStatusesFor(fileAggregateStatus([status]))).toContain(status);
  });
});
