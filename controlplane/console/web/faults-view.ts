import { FAULTS_PATH, probeAdmin } from './admin-probe.js';
import type { View } from './context.js';
import { h, replace } from './dom.js';
import { jsonTree } from './json-tree.js';

/** Injected faults (when the server enables /casim/admin/faults): what is active, as the server reports it. */
export const faultsView: View = (_context, root) => {
  const body = h('div', { class: 'panel' }, 'Loading…');
  const refresh = (): void => {
    void probeAdmin(FAULTS_PATH).then((faults) => replace(body, faults ? jsonTree(faults) : h('p', {}, 'Fault injection is not enabled on this server.')));
  };
  replace(root, h('h1', {}, 'Injected faults'), h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'secondary', on: { click: refresh } }, 'Refresh')), body);
  refresh();
};
