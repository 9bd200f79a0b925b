/** How the control plane's DockerFleet makes instance containers (beyond the API's own fields). */
export interface DockerFleetOptions {
  /** The image RunInstances uses when no ImageId is given (default casim/instance). */
  readonly image?: string;
  /**
   * Labels put on every instance container, e.g. a test session's, so a harness can remove the
   * instances of a session whose process died (see testkit/testcontainers/session-labels.ts).
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * `CASIM_INSTANCE_IMAGE` and `CASIM_FLEET_LABELS` (`key=value,key2=value2`) from the environment,
 * as `casim server` (and so the casim/server image) reads them.
 */
export function dockerFleetOptionsFromEnv(env: NodeJS.ProcessEnv): DockerFleetOptions {
  const labels: Record<string, string> = {};
  for (const entry of (env.CASIM_FLEET_LABELS ?? '').split(',')) {
    const eq = entry.indexOf('=');
    if (eq > 0) labels[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  const image = env.CASIM_INSTANCE_IMAGE?.trim();
  return { ...(image ? { image } : {}), labels };
}
