// cloud-assistant-sim/testcontainers: casim as a testcontainers module (needs `testcontainers`).
export { CasimContainer, DEFAULT_SERVER_IMAGE } from './casim-container.js';
export { StartedCasimContainer, type AddInstancesOptions } from './started-casim-container.js';
export { removeOrphanedSessions, removeSessionContainers, SESSION_HOST_LABEL, SESSION_LABEL, SESSION_PID_LABEL, type RemovedContainer, type Session } from './session-labels.js';
export type { Casim, CasimApi, CasimClock, CasimCredentials } from '../types.js';
export type { EcsClient, EcsClientOptions } from '../ecs-client.js';
