import type { Params } from '../cli/api-client.js';
import type { FaultInput } from '../controlplane/faults/fault-spec.js';
import type { EcsClient, EcsClientOptions } from './ecs-client.js';

/** The key pair and region an SDK signs with. */
export interface CasimCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly regionId: string;
}

/** Signed RPC calls (HMAC-SHA1) to the casim API: the same calls the SDKs make. */
export interface CasimApi {
  call<T = Record<string, unknown>>(action: string, params?: Params): Promise<T>;
}

/** Simulated time (a server started with time control): read it, move it forward. */
export interface CasimClock {
  now(): Promise<Date>;
  /** Moves simulated time forward; schedules that became due run at once. */
  advance(seconds: number): Promise<Date>;
}

/** A fault to inject (README "Faults on purpose"): `{ kind: 'api-error', action: 'RunCommand', code: 'Throttling', count: 2 }`. */
export type FaultSpec = FaultInput;

/** A fault in force, as the server lists it: the spec plus id, times and counts. */
export type InjectedFault = FaultSpec & {
  readonly id: string;
  readonly createdTime: string;
  /** null: no expiry. */
  readonly expireTime: string | null;
  /** Times it may still fire; null: not counted. */
  readonly remaining: number | null;
  readonly fired: number;
};

/** Fault injection (a server started with admin on: `startCasim({ admin: true })`, `withAdmin()`). */
export interface CasimFaults {
  add(spec: FaultSpec): Promise<InjectedFault>;
  list(): Promise<InjectedFault[]>;
  remove(id: string): Promise<void>;
  /** Removes every fault; resolves to how many there were. */
  clear(): Promise<number>;
}

/**
 * A running casim, in this process (startCasim) or in a container (CasimContainer): what a test
 * needs to point an SDK at it and to act on its instances.
 */
export interface Casim {
  /** `http://127.0.0.1:8484` */
  readonly url: string;
  /** `127.0.0.1:8484`: the `endpoint` of a Tea SDK config (with `protocol: 'http'`). */
  readonly endpoint: string;
  readonly credentials: CasimCredentials;
  /** The instances started with it (`mi-…` in process, `i-…` in Docker), all online. */
  readonly instanceIds: readonly string[];
  readonly api: CasimApi;
  readonly clock: CasimClock;
  readonly faults: CasimFaults;
  /** An `@alicloud/ecs20140526` client pointed at this casim (the package must be installed). */
  ecsClient(options?: EcsClientOptions): Promise<EcsClient>;
}

export type { Params };
