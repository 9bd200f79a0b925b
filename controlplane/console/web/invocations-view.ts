import type { View } from './context.js';
import { cell, h, replace, statusBadge, table } from './dom.js';
import { loadInvocations, type InvocationRow } from './invocations-data.js';
import { Refresher } from './refresher.js';

/** Invocations: newest first, with aggregate status; updated live from the run events. */
export const invocationsView: View = (context, root) => {
  const body = h('div', {}, h('p', {}, 'Loading invocations…'));
  replace(root, h('h1', {}, 'Invocations'), h('div', { class: 'toolbar' }, h('button', { type: 'button', on: { click: () => refresher.trigger() } }, 'Refresh')), body);

  let shown = '';
  const render = (rows: readonly InvocationRow[]): void => {
    const key = JSON.stringify(rows);
    if (key === shown) return;
    shown = key;
    if (rows.length === 0) {
      replace(body, h('p', {}, 'No invocations yet.'));
      return;
    }
    const tableRows = rows.map((row) =>
      h(
        'tr',
        { 'data-invoke-id': row.invokeId },
        cell(h('a', { href: `#/invocations/${encodeURIComponent(row.invokeId)}` }, row.invokeId)),
        cell(row.commandName || row.commandId),
        cell(statusBadge(row.status)),
        cell(row.repeatMode, row.frequency ? h('div', { class: 'muted' }, row.frequency) : null),
        cell(h('span', { class: 'counts' }, ...row.instances.map((run) => h('span', { title: run.instanceId }, statusBadge(run.status))))),
        cell(row.creationTime),
      ),
    );
    replace(body, table('Invocations', ['InvokeId', 'Command', 'Status', 'RepeatMode', 'Instances', 'Created'], tableRows));
  };

  const refresher = new Refresher(async () => {
    try {
      render(await loadInvocations(context.api));
    } catch (error) {
      context.notices.error(error);
    }
  }, 600);
  refresher.trigger();
  const unsubscribe = context.events.subscribe((event) => {
    if (event.name !== 'output') refresher.trigger();
  });
  return () => {
    unsubscribe();
    refresher.dispose();
  };
};
