// cloud-assistant-sim: casim in your own tests. The testcontainers module is the
// `cloud-assistant-sim/testcontainers` entry point.
export { startCasim, LOG_LEVELS, type LocalCasim, type LogLevel, type StartCasimOptions } from './start-casim.js';
export { createEcsClient, MissingPeerDependencyError, type EcsClient, type EcsClientOptions } from './ecs-client.js';
export { ClockControlError, HttpClock } from './http-clock.js';
export { FaultControlError, HttpFaults } from './http-faults.js';
export { waitForInstancesOnline } from './wait-online.js';
export { ApiCallError, ApiClient, type ClientConfig } from '../cli/api-client.js';
export { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from '../controlplane/access-keys.js';
export type { Casim, CasimApi, CasimClock, CasimCredentials, CasimFaults, FaultSpec, InjectedFault, Params } from './types.js';
