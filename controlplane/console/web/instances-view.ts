import type { View } from './context.js';
import { cell, h, replace, statusBadge, table } from './dom.js';
import { loadInstances, type InstanceRow } from './instances-data.js';

const REFRESH_MS = 10_000;

/** Instances: Cloud Assistant status, agent version, last heartbeat, OS, tags; pick some to run on. */
export const instancesView: View = (context, root) => {
  const body = h('div', {}, h('p', {}, 'Loading instances…'));
  const runButton = h('button', { type: 'button', on: { click: () => context.navigate('#/run') } }, 'Run command on selected');
  const sendButton = h('button', { type: 'button', class: 'secondary', on: { click: () => context.navigate('#/files') } }, 'Send file to selected');
  const refreshButton = h('button', { type: 'button', class: 'secondary', on: { click: () => void refresh() } }, 'Refresh');
  replace(root, h('h1', {}, 'Instances'), h('div', { class: 'toolbar' }, runButton, sendButton, refreshButton), body);

  const render = (rows: readonly InstanceRow[]): void => {
    if (rows.length === 0) {
      replace(body, h('p', {}, 'No instances yet. Start agents (casim agent …) or Docker instances (casim fleet up).'));
      return;
    }
    const tableRows = rows.map((row) => {
      const checkbox = h('input', { type: 'checkbox', 'aria-label': `Select ${row.instanceId}`, checked: context.selection.has(row.instanceId) });
      checkbox.addEventListener('change', () => (checkbox.checked ? context.selection.add(row.instanceId) : context.selection.delete(row.instanceId)));
      return h(
        'tr',
        { 'data-instance-id': row.instanceId },
        cell(checkbox),
        cell(h('code', {}, row.instanceId), row.name ? h('div', { class: 'muted' }, row.name) : null),
        cell(statusBadge(row.online ? 'online' : 'offline'), h('div', { class: 'muted' }, row.machineStatus)),
        cell(row.agentVersion || '—'),
        cell(row.lastHeartbeat || '—'),
        cell(row.os || '—'),
        cell(row.tags.length === 0 ? '—' : h('ul', { class: 'tags' }, ...row.tags.map((tag) => h('li', {}, tag)))),
        cell(String(row.activeTasks)),
      );
    });
    replace(body, table('Instances', ['Select', 'Instance', 'Cloud Assistant', 'Agent version', 'Last heartbeat', 'OS', 'Tags', 'Running tasks'], tableRows));
  };

  // Re-rendered only when something changed, so keyboard focus stays where it is.
  let shown = '';
  const refresh = async (): Promise<void> => {
    try {
      const rows = await loadInstances(context.api);
      const key = JSON.stringify(rows);
      if (key === shown) return;
      shown = key;
      render(rows);
    } catch (error) {
      context.notices.error(error);
    }
  };
  void refresh();
  const timer = window.setInterval(() => void refresh(), REFRESH_MS);
  const unsubscribe = context.events.subscribe((event) => {
    if (event.name === 'started' || event.name === 'finished') void refresh();
  });
  return () => {
    window.clearInterval(timer);
    unsubscribe();
  };
};
