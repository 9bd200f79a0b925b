import type Docker from 'dockerode';
import type { NotStartedReason } from '../../shared/protocol.js';

/**
 * Finding the container a task names, like the real agent's `docker.CheckDockerProcessor` +
 * `DockerProcessor.PreCheck` (spec/reference-agent.md §2.7): by ID and/or name; exactly one
 * container must match; when both are given the name must be the ID's container's; it must be
 * running.
 *
 * Simplification: the real agent tries Docker only for a bare or `docker://` ID and goes to a
 * CRI endpoint for `containerd://` / `cri-o://`. casim has one runtime, Docker, so any of the
 * prefixes is stripped and the ID is looked up in Docker.
 */
export const CONTAINER_RUNTIME_PREFIXES = ['docker://', 'containerd://', 'cri-o://'] as const;

/** The agent's container-name check (`containerNameValidator`): a leading `/` is allowed. */
const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** What a task asks for, from TaskSpec.containerId / containerName ("" = not given). */
export interface ContainerSelector {
  /** Without its runtime prefix. */
  id: string;
  /** Without a leading `/`. */
  name: string;
}

/** The container the script runs in. */
export interface ContainerTarget {
  id: string;
  /** Its name without the leading `/`. */
  name: string;
}

/** A check failed: the script is not started (mapped to a public ErrorCode by the control plane). */
export class ContainerCheckError extends Error {
  constructor(readonly reason: NotStartedReason, detail: string) {
    super(detail);
    this.name = 'ContainerCheckError';
  }
}

/** `docker://<id>` → `<id>` (any of CONTAINER_RUNTIME_PREFIXES); a bare ID is returned as is. */
export function stripRuntimePrefix(containerId: string): string {
  for (const prefix of CONTAINER_RUNTIME_PREFIXES) {
    if (containerId.startsWith(prefix)) return containerId.slice(prefix.length);
  }
  return containerId;
}

export function containerSelector(containerId: string | undefined, containerName: string | undefined): ContainerSelector {
  const name = containerName ?? '';
  return { id: stripRuntimePrefix(containerId ?? ''), name: name.startsWith('/') ? name.slice(1) : name };
}

/** True when the task runs in a container rather than on the instance itself. */
export function targetsContainer(task: { containerId?: string; containerName?: string }): boolean {
  return (task.containerId ?? '') !== '' || (task.containerName ?? '') !== '';
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Looks the container up through the Docker Engine API. Docker's `id` and `name` list filters
 * are unanchored regular expressions, so the candidates are matched exactly here.
 */
export async function resolveContainer(docker: Docker, selector: ContainerSelector): Promise<ContainerTarget> {
  if (selector.id === '' && selector.name === '') {
    throw new ContainerCheckError('container-not-found', 'neither a container ID nor a container name was given');
  }
  if (selector.name !== '' && !CONTAINER_NAME.test(selector.name)) {
    throw new ContainerCheckError('container-not-found', `"${selector.name}" is not a valid container name`);
  }
  const filters: Record<string, string[]> = selector.id !== '' ? { id: [selector.id] } : { name: [`^/${escapeRegExp(selector.name)}$`] };
  const listed = await docker.listContainers({ all: true, filters });
  const found = selector.id !== ''
    ? listed.filter((c) => c.Id === selector.id)
    : listed.filter((c) => c.Names.includes(`/${selector.name}`));
  if (found.length === 0) {
    const what = selector.id !== '' ? `ID ${selector.id}` : `name "${selector.name}"`;
    throw new ContainerCheckError('container-not-found', `no container with the ${what} exists on this instance`);
  }
  if (found.length > 1) {
    // Docker keeps names and IDs unique; kept for the agent's ContainerNameDuplicated check.
    throw new ContainerCheckError('container-not-found', `${found.length} containers match; the container cannot be identified`);
  }
  const container = found[0]!;
  if (selector.id !== '' && selector.name !== '' && !container.Names.includes(`/${selector.name}`)) {
    throw new ContainerCheckError(
      'container-mismatch',
      `the container whose ID is ${selector.id} is not named "${selector.name}" (its name: ${displayName(container.Names)})`,
    );
  }
  if (container.State !== 'running') {
    throw new ContainerCheckError(
      'container-not-running',
      `the state of the container is abnormal: it is ${container.State.toUpperCase()}, not RUNNING`,
    );
  }
  return { id: container.Id, name: displayName(container.Names) };
}

/** Docker lists names with a leading `/`; the CLI (and the agent's reports) show them without. */
function displayName(names: readonly string[]): string {
  const first = names.find((n) => !n.slice(1).includes('/')) ?? names[0] ?? '';
  return first.startsWith('/') ? first.slice(1) : first;
}
