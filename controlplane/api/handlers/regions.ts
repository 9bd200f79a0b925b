import { REGION_IDS } from '../regions.js';
import type { Handler } from './context.js';

/** Every accepted region, all served by this one local endpoint. */
export const describeRegions: Handler = () => ({
  Regions: {
    Region: REGION_IDS.map((id) => ({ RegionId: id, LocalName: id, RegionEndpoint: 'ecs.aliyuncs.com', Status: 'available' })),
  },
});
