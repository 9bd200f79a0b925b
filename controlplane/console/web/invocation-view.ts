import type { ConsoleContext, View } from './context.js';
import { cell, h, replace, statusBadge, table } from './dom.js';
import { LIVE_STATUSES, loadInvocation, loadResults, type InvocationRow, type ResultRow } from './invocations-data.js';
import { Refresher } from './refresher.js';

/** Output refresh after an event: the API stores live output at most every 500 ms. */
const TRAILING_REFRESH_MS = 650;

interface InstanceCard {
  readonly root: HTMLElement;
  readonly status: HTMLElement;
  readonly details: HTMLElement;
  readonly output: HTMLPreElement;
  readonly stop: HTMLButtonElement;
}

function stopInvocation(context: ConsoleContext, invokeId: string, instanceId?: string): void {
  context.api
    .call('StopInvocation', { InvokeId: invokeId, InstanceId: instanceId === undefined ? undefined : [instanceId] })
    .then(() => context.notices.info(instanceId ? `Stopping ${invokeId} on ${instanceId}` : `Stopping ${invokeId}`))
    .catch((error: unknown) => context.notices.error(error));
}

function instanceCard(context: ConsoleContext, invokeId: string, instanceId: string): InstanceCard {
  const status = h('span', {});
  const details = h('div', { class: 'run-details' });
  const output = h('pre', { class: 'output', tabindex: 0, 'aria-label': `Output on ${instanceId}`, 'data-output-of': instanceId });
  const stop = h('button', { type: 'button', class: 'small danger', on: { click: () => stopInvocation(context, invokeId, instanceId) } }, `Stop on ${instanceId}`);
  const root = h('section', { class: 'panel run-card', 'data-instance-id': instanceId, 'aria-label': `Result on ${instanceId}` }, h('h3', {}, h('code', {}, instanceId), ' ', status), details, output, h('div', { class: 'actions' }, stop));
  return { root, status, details, output, stop };
}

function updateCard(card: InstanceCard, result: ResultRow): void {
  replace(card.status, statusBadge(result.status));
  card.status.setAttribute('data-status', result.status);
  const facts: Array<[string, string]> = [
    ['Exit code', result.exitCode === undefined || LIVE_STATUSES.includes(result.status) ? '—' : String(result.exitCode)],
    ['Started', result.startTime || '—'],
    ['Finished', result.finishTime || '—'],
  ];
  if (result.errorCode) facts.push(['Error', `${result.errorCode}${result.errorInfo ? `: ${result.errorInfo}` : ''}`]);
  if (result.dropped > 0) facts.push(['Dropped', `${result.dropped} bytes cut from the middle`]);
  if (result.repeats > 1) facts.push(['Runs', String(result.repeats)]);
  replace(card.details, h('dl', { class: 'facts' }, ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])));
  if (card.output.textContent !== result.output) {
    const atBottom = card.output.scrollTop + card.output.clientHeight >= card.output.scrollHeight - 4;
    card.output.textContent = result.output;
    if (atBottom) card.output.scrollTop = card.output.scrollHeight;
  }
  card.stop.hidden = !LIVE_STATUSES.includes(result.status);
}

function summary(invocation: InvocationRow): HTMLElement {
  const facts: Array<[string, string]> = [
    ['Command', `${invocation.commandName || '—'} (${invocation.commandId})`],
    ['Type', invocation.commandType],
    ['RepeatMode', invocation.repeatMode + (invocation.frequency ? ` · ${invocation.frequency}` : '')],
    ['Username', invocation.username || '—'],
    ['Working directory', invocation.workingDir || '—'],
    ['Timeout', invocation.timeout === undefined ? '—' : `${invocation.timeout} s`],
    ['Parameters', invocation.parameters && invocation.parameters !== '{}' ? invocation.parameters : '—'],
    ['Created', invocation.creationTime],
  ];
  return h(
    'div',
    { class: 'panel' },
    h('dl', { class: 'facts' }, ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
    h('details', {}, h('summary', {}, 'Script'), h('pre', { class: 'output small-output' }, invocation.content)),
  );
}

function historyTable(rows: readonly ResultRow[]): HTMLElement {
  if (rows.length === 0) return h('p', {}, 'No runs yet.');
  return table(
    'History of runs',
    ['Instance', 'Run', 'Status', 'Exit code', 'Started', 'Finished', 'Output'],
    rows.map((row) =>
      h(
        'tr',
        {},
        cell(h('code', {}, row.instanceId)),
        cell(String(row.repeats)),
        cell(statusBadge(row.status)),
        cell(row.exitCode === undefined ? '—' : String(row.exitCode)),
        cell(row.startTime || '—'),
        cell(row.finishTime || '—'),
        cell(h('pre', { class: 'output small-output' }, row.output)),
      ),
    ),
  );
}

/**
 * One invocation: aggregate status, the per-instance results with Output that grows while the
 * script runs (refreshed on every lifecycle event of this invocation), Stop, and for schedules
 * the history of runs.
 */
export const invocationView: View = (context, root, invokeId) => {
  const heading = h('h1', {}, 'Invocation ', h('code', {}, invokeId));
  const aggregate = h('span', { class: 'aggregate', 'data-aggregate-status': '' });
  const stopAll = h('button', { type: 'button', class: 'danger', hidden: true, on: { click: () => stopInvocation(context, invokeId) } }, 'Stop invocation');
  const summarySlot = h('div', {});
  const cards = h('div', { class: 'run-cards' });
  const historySection = h('section', { hidden: true, 'aria-label': 'History of runs' }, h('h2', {}, 'History of runs'));
  const historySlot = h('div', {});
  historySection.append(historySlot);
  replace(
    root,
    h('p', {}, h('a', { href: '#/invocations' }, '← All invocations')),
    heading,
    h('div', { class: 'toolbar' }, h('span', {}, 'Status: ', aggregate), stopAll),
    summarySlot,
    h('h2', {}, 'Results per instance'),
    cards,
    historySection,
  );
  const cardOf = new Map<string, InstanceCard>();
  let summaryShown = false;

  const refresh = async (): Promise<void> => {
    try {
      const invocation = await loadInvocation(context.api, invokeId);
      if (!invocation) {
        replace(cards, h('p', {}, `No invocation ${invokeId}.`));
        return;
      }
      const repeating = invocation.repeatMode !== 'Once' && invocation.repeatMode !== 'DryRun';
      const [results, history] = await Promise.all([loadResults(context.api, invokeId, false), repeating ? loadResults(context.api, invokeId, true) : Promise.resolve([])]);
      replace(aggregate, statusBadge(invocation.status));
      aggregate.setAttribute('data-aggregate-status', invocation.status);
      stopAll.hidden = !(LIVE_STATUSES.includes(invocation.status) || invocation.timed);
      if (!summaryShown) {
        replace(summarySlot, summary(invocation));
        summaryShown = true;
      }
      for (const result of results) {
        let card = cardOf.get(result.instanceId);
        if (!card) {
          card = instanceCard(context, invokeId, result.instanceId);
          cardOf.set(result.instanceId, card);
          cards.append(card.root);
        }
        updateCard(card, result);
      }
      historySection.hidden = !repeating;
      if (repeating) replace(historySlot, historyTable(history));
    } catch (error) {
      context.notices.error(error);
    }
  };
  const refresher = new Refresher(refresh, TRAILING_REFRESH_MS);
  refresher.trigger();
  const unsubscribe = context.events.subscribe((event) => {
    if (event.invokeId === invokeId) refresher.trigger();
  });
  return () => {
    unsubscribe();
    refresher.dispose();
  };
};
