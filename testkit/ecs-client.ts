import type * as EcsSdk from '@alicloud/ecs20140526';
import type * as OpenApiCore from '@alicloud/openapi-core';
import type { CasimCredentials } from './types.js';

/** The class the package exports, whichever way the importer's module system wraps a CJS module. */
type ClientClass<M> = M extends { default: { default: infer C } } ? C : M extends { default: infer C } ? C : never;
type Instance<C> = C extends abstract new (...args: never[]) => infer I ? I : never;

/** An `@alicloud/ecs20140526` client (the default export of the package). */
export type EcsClient = Instance<ClientClass<typeof EcsSdk>>;

export interface EcsClientOptions {
  /** `v2` signs with HMAC-SHA1; the SDK's default is ACS3-HMAC-SHA256. */
  readonly signatureAlgorithm?: string;
  /** Overrides the credentials' region. */
  readonly regionId?: string;
}

export class MissingPeerDependencyError extends Error {
  readonly code = 'CASIM_MISSING_PEER_DEPENDENCY';
  constructor(readonly packageName: string, cause: unknown) {
    super(`${packageName} is not installed: npm install --save-dev @alicloud/ecs20140526 @alicloud/openapi-core`, { cause });
  }
}

async function importPeer<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new MissingPeerDependencyError(name, error);
    throw error;
  }
}

/** `module.default.default` under Node's ESM-to-CJS interop, `module.default` under bundlers' and Jest's. */
function unwrapDefault<T>(module: unknown, isWanted: (value: unknown) => boolean): T {
  let value: unknown = module;
  for (let depth = 0; depth < 3; depth += 1) {
    if (isWanted(value)) return value as T;
    value = (value as { default?: unknown } | undefined)?.default;
  }
  throw new TypeError('unexpected module shape: no default export found');
}

/**
 * Loads the official ECS SDK (a peer dependency, imported only when asked for) and returns a
 * client configured for a casim at `endpoint`.
 */
export async function createEcsClient(endpoint: string, credentials: CasimCredentials, options: EcsClientOptions = {}): Promise<EcsClient> {
  const ecs = await importPeer<typeof EcsSdk>('@alicloud/ecs20140526');
  const core = await importPeer<typeof OpenApiCore>('@alicloud/openapi-core');
  type Client = new (config: OpenApiCore.$OpenApiUtil.Config) => EcsClient;
  const Client = unwrapDefault<Client>(ecs, (v) => typeof v === 'function');
  const util = unwrapDefault<typeof OpenApiCore>(core, (v) => typeof (v as { $OpenApiUtil?: unknown } | undefined)?.$OpenApiUtil === 'object');
  const config = new util.$OpenApiUtil.Config({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    regionId: options.regionId ?? credentials.regionId,
    endpoint,
    protocol: 'http',
    ...(options.signatureAlgorithm ? { signatureAlgorithm: options.signatureAlgorithm } : {}),
  });
  return new Client(config);
}
