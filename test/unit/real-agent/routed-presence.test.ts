import { describe, expect, it } from 'vitest';
import type { InstanceSelector } from '../../../controlplane/domain/instance-selector.js';
import type { PresenceColumn } from '../../../controlplane/hub/agent-sessions.js';
import { RoutedAgentSender, type AgentLink } from '../../../controlplane/real-agent/routed-agent-sender.js';

/** A link whose column is `column` (nothing is sent). */
function link(column: PresenceColumn): AgentLink {
  return { send: () => false, isConnected: () => false, disconnect: () => undefined, presenceColumn: () => column };
}

const REAL = ['mi-real1', 'mi-real2'];
const routed = (real: PresenceColumn, casim: PresenceColumn, realIds: readonly string[] = REAL): PresenceColumn =>
  new RoutedAgentSender(link(real), link(casim), (id) => realIds.includes(id), () => realIds).presenceColumn();

const trusted = (offline: readonly InstanceSelector[] = []): PresenceColumn => ({ trusted: true, offline });

describe('the routed sender\'s presence column', () => {
  it.each<[string, PresenceColumn, PresenceColumn, PresenceColumn]>([
    ['both sides trusted, nothing hidden', trusted(), trusted(), trusted()],
    ['one side not trusted: not trusted', trusted(), { trusted: false }, { trusted: false }],
    ['the other side not trusted: not trusted', { trusted: false }, trusted(), { trusted: false }],
    ['casim\'s hidden instances leave out the real agent\'s', trusted(), trusted([{ tag: { key: 'env' } }, { exceptIds: ['mi-1'] }]), trusted([{ tag: { key: 'env' }, exceptIds: REAL }, { exceptIds: ['mi-1', ...REAL] }])],
    ['the real side\'s hidden instances are only its own', trusted([{}, { instanceIds: ['mi-1', 'mi-real2'] }]), trusted(), trusted([{ instanceIds: REAL }, { instanceIds: ['mi-real2'] }])],
  ])('%s', (_name, real, casim, expected) => {
    expect(routed(real, casim)).toEqual(expected);
  });

  it('hides casim\'s instances as they are when there is no real agent', () => {
    expect(routed(trusted(), trusted([{ instanceIds: ['mi-1'] }]), [])).toEqual(trusted([{ instanceIds: ['mi-1'] }]));
  });
});
