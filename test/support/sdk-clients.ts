import * as ecsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { TEST_KEY } from './harness.js';

export type EcsClient = InstanceType<typeof ecsModule.default.default>;

/**
 * The official ECS SDK client pointed at a local test server. The package is CJS with
 * `exports.default = Client`; ESM interop may wrap it once more.
 */
export function ecsClient(port: number, signatureAlgorithm?: string): EcsClient {
  const exported: unknown = ecsModule.default;
  const Client = typeof exported === 'function' ? (exported as typeof ecsModule.default.default) : ecsModule.default.default;
  return new Client(
    new $OpenApiUtil.Config({
      accessKeyId: TEST_KEY.id,
      accessKeySecret: TEST_KEY.secret,
      endpoint: `127.0.0.1:${port}`,
      protocol: 'http',
      regionId: 'cn-hangzhou',
      ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
    }),
  );
}
