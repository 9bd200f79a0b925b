import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { INSTANCE_LABEL, SERVER_LABEL } from '../../controlplane/fleet/docker-fleet.js';
import { instancesOfServerFilter, removeInstanceContainersOf } from '../../controlplane/fleet/orphan-containers.js';

describe('the instance containers of one control plane', () => {
  it('are selected by both labels', () => {
    expect(instancesOfServerFilter('http://127.0.0.1:8484')).toEqual({ label: [INSTANCE_LABEL, `${SERVER_LABEL}=http://127.0.0.1:8484`] });
  });

  it('are listed with that filter (stopped ones too) and each removed by force; one already gone is fine', async () => {
    const calls: string[] = [];
    const fake = {
      listContainers: async (options: { all: boolean; filters: unknown }) => {
        calls.push(`list ${JSON.stringify(options)}`);
        return [{ Id: 'a' }, { Id: 'b' }];
      },
      getContainer: (id: string) => ({
        remove: async (options: { force: boolean }) => {
          calls.push(`remove ${id} ${JSON.stringify(options)}`);
          if (id === 'b') throw Object.assign(new Error('no such container'), { statusCode: 404 });
        },
      }),
    } as unknown as Docker;
    expect(await removeInstanceContainersOf('http://127.0.0.1:8484', fake)).toBe(2);
    expect(calls).toEqual([
      `list {"all":true,"filters":{"label":["casim.instance","casim.server=http://127.0.0.1:8484"]}}`,
      'remove a {"force":true}',
      'remove b {"force":true}',
    ]);
  });
});
