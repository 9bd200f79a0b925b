import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { containerSelector, resolveContainer, stripRuntimePrefix, targetsContainer } from '../../agent/runner/container-target.js';

const ID = 'a'.repeat(64);
const OTHER_ID = 'b'.repeat(64);

/** A Docker client that lists these containers and applies Docker's (unanchored regex) filters. */
function fakeDocker(containers: Array<{ Id: string; Names: string[]; State: string }>): Docker {
  return {
    listContainers: async (options: { filters: Record<string, string[]> }) =>
      containers.filter((c) => {
        const { id, name } = options.filters;
        if (id) return id.some((p) => new RegExp(p).test(c.Id));
        if (name) return name.some((p) => c.Names.some((n) => new RegExp(p).test(n)));
        return true;
      }),
  } as unknown as Docker;
}

describe('container selection (spec/reference-agent.md §2.7)', () => {
  it.each([
    [`docker://${ID}`, ID],
    [`containerd://${ID}`, ID],
    [`cri-o://${ID}`, ID],
    [ID, ID],
  ])('strips the runtime prefix of %s', (given, expected) => {
    expect(stripRuntimePrefix(given)).toBe(expected);
  });

  it('drops a leading / from the name and tells container tasks apart', () => {
    expect(containerSelector(undefined, '/web')).toEqual({ id: '', name: 'web' });
    expect(targetsContainer({})).toBe(false);
    expect(targetsContainer({ containerId: '', containerName: '' })).toBe(false);
    expect(targetsContainer({ containerName: 'web' })).toBe(true);
  });

  const docker = fakeDocker([
    { Id: ID, Names: ['/web'], State: 'running' },
    { Id: OTHER_ID, Names: ['/web-2'], State: 'exited' },
  ]);

  it('finds a running container by ID or by exact name', async () => {
    await expect(resolveContainer(docker, { id: ID, name: '' })).resolves.toEqual({ id: ID, name: 'web' });
    await expect(resolveContainer(docker, { id: '', name: 'web' })).resolves.toEqual({ id: ID, name: 'web' });
  });

  it.each([
    [{ id: '', name: 'we' }, 'container-not-found'],
    [{ id: 'c'.repeat(64), name: '' }, 'container-not-found'],
    [{ id: '', name: 'web-2' }, 'container-not-running'],
    [{ id: ID, name: 'web-2' }, 'container-mismatch'],
    [{ id: '', name: 'bad name!' }, 'container-not-found'],
  ])('rejects %j with %s', async (selector, reason) => {
    await expect(resolveContainer(docker, selector)).rejects.toMatchObject({ name: 'ContainerCheckError', reason });
  });
});
