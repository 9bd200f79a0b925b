import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCE_GROUP_ID, resourceGroupOf } from '../../controlplane/instances/resource-groups.js';
import { inResourceGroup } from '../../controlplane/api/handlers/resource-group-scope.js';

describe('resourceGroupOf', () => {
  it.each<[string, { resourceGroupId?: string }, string]>([
    ['a group given at creation', { resourceGroupId: 'rg-web' }, 'rg-web'],
    ['none (""): the default group', { resourceGroupId: '' }, DEFAULT_RESOURCE_GROUP_ID],
    ['a record written before groups existed', {}, DEFAULT_RESOURCE_GROUP_ID],
  ])('%s → %s', (_label, instance, group) => {
    expect(resourceGroupOf(instance)).toBe(group);
  });
});

describe('inResourceGroup', () => {
  it.each<[string, { resourceGroupId?: string }, string | undefined, boolean]>([
    ['no group asked: any instance', { resourceGroupId: 'rg-web' }, undefined, true],
    ['its own group', { resourceGroupId: 'rg-web' }, 'rg-web', true],
    ['another group', { resourceGroupId: 'rg-web' }, 'rg-team', false],
    ['a default instance in the default group', {}, DEFAULT_RESOURCE_GROUP_ID, true],
    ['a default instance in another group', {}, 'rg-web', false],
  ])('%s → %s', (_label, instance, group, expected) => {
    expect(inResourceGroup(instance, group)).toBe(expected);
  });
});
