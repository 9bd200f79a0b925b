import { CLOCK_PATH, probeAdmin } from './admin-probe.js';
import type { View } from './context.js';
import { field, h, replace } from './dom.js';
import { asObject, str } from './json-read.js';

/** The simulated clock (server started with --time-control): read it, move it forward. */
export const clockView: View = (context, root) => {
  const now = h('output', { class: 'clock-now', 'aria-live': 'polite' }, '…');
  const real = h('span', { class: 'muted' });
  const seconds = h('input', { type: 'number', min: 0, step: 1, required: true, value: 3600 });
  const submit = h('button', { type: 'submit' }, 'Advance');
  const form = h('form', { class: 'panel form-grid', 'aria-label': 'Advance the simulated clock' }, field('Seconds to advance', seconds, 'Schedules that become due run at once'), h('div', { class: 'actions' }, submit));
  replace(root, h('h1', {}, 'Simulated clock'), h('p', {}, 'Simulated now: ', now, ' ', real), form);

  const show = (body: ReturnType<typeof asObject>): void => {
    now.textContent = str(body, 'Now') || '—';
    real.textContent = str(body, 'RealNow') ? `(real time ${str(body, 'RealNow')})` : '';
  };
  void probeAdmin(CLOCK_PATH).then((body) => (body ? show(body) : replace(root, h('h1', {}, 'Simulated clock'), h('p', {}, 'This server runs on real time (start it with --time-control).'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    fetch(`${CLOCK_PATH}/advance?seconds=${encodeURIComponent(seconds.value)}`, { method: 'POST', credentials: 'omit' })
      .then(async (response) => {
        const body = asObject(JSON.parse(await response.text()) as unknown);
        if (!response.ok) throw new Error(`${str(body, 'Code')}: ${str(body, 'Message')}`);
        context.notices.info(`Simulated time is now ${str(body, 'Now')}`);
        return probeAdmin(CLOCK_PATH);
      })
      .then((body) => body && show(body))
      .catch((error: unknown) => context.notices.error(error))
      .finally(() => (submit.disabled = false));
  });
};
