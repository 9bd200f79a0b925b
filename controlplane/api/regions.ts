/** Public region IDs accepted in RegionId (spec Decisions §13); anything else is InvalidRegionId.NotFound. */
export const REGION_IDS = [
  'cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'cn-qingdao', 'cn-zhangjiakou',
  'cn-huhehaote', 'cn-wulanchabu', 'cn-chengdu', 'cn-hongkong', 'cn-guangzhou', 'cn-heyuan',
  'cn-nanjing', 'cn-fuzhou', 'cn-wuhan-lr', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2',
  'ap-south-1', 'us-west-1', 'us-east-1', 'eu-central-1', 'eu-west-1', 'me-east-1', 'me-central-1',
  'na-south-1',
] as const;

export const DEFAULT_REGION_ID = 'cn-hangzhou';
