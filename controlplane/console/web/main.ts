import { probeAdmin, CLOCK_PATH, FAULTS_PATH } from './admin-probe.js';
import { ConsoleApi } from './api-client.js';
import { clockView } from './clock-view.js';
import { commandsView } from './commands-view.js';
import type { ConsoleContext, View } from './context.js';
import { clearCredentials, loadCredentials, saveCredentials, type Credentials } from './credentials.js';
import { h, replace } from './dom.js';
import { faultsView } from './faults-view.js';
import { instancesView } from './instances-view.js';
import { invocationView } from './invocation-view.js';
import { invocationsView } from './invocations-view.js';
import { Notices } from './notices.js';
import { RunEventStream } from './run-event-stream.js';
import { runView } from './run-view.js';
import { sendFileView } from './send-file-view.js';
import { renderSignIn } from './sign-in-view.js';

interface Page {
  readonly route: string;
  readonly label: string;
  readonly view: View;
  /** Shown only when the server has the feature (an admin endpoint answers). */
  readonly probe?: string;
}

const PAGES: readonly Page[] = [
  { route: 'instances', label: 'Instances', view: instancesView },
  { route: 'commands', label: 'Commands', view: commandsView },
  { route: 'run', label: 'Run', view: runView },
  { route: 'invocations', label: 'Invocations', view: invocationsView },
  { route: 'files', label: 'Send file', view: sendFileView },
  { route: 'clock', label: 'Clock', view: clockView, probe: CLOCK_PATH },
  { route: 'faults', label: 'Faults', view: faultsView, probe: FAULTS_PATH },
];

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the console page has no #${id}`);
  return found;
}

/** `#/invocations/t-…` → the page and its argument (decoded; views treat it as text). */
function parseRoute(hash: string): { page: Page; argument: string } {
  const [route = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const page = PAGES.find((p) => p.route === route) ?? PAGES[0]!;
  let argument = '';
  try {
    argument = decodeURIComponent(rest.join('/'));
  } catch {
    argument = '';
  }
  if (page.route === 'invocations' && argument) return { page: { ...page, view: invocationView }, argument };
  return { page, argument };
}

function startConsole(credentials: Credentials, main: HTMLElement, sessionSlot: HTMLElement, notices: Notices): void {
  const api = new ConsoleApi(credentials);
  const events = new RunEventStream(api);
  const context: ConsoleContext = { api, events, notices, selection: new Set(), navigate: (hash) => (location.hash = hash) };
  const links = new Map<string, HTMLAnchorElement>();
  const nav = h('nav', { class: 'main-nav', 'aria-label': 'Console sections' }, h('ul', {}, ...PAGES.map((page) => {
    const link = h('a', { href: `#/${page.route}` }, page.label);
    links.set(page.route, link);
    const item = h('li', { hidden: page.probe !== undefined }, link);
    if (page.probe) void probeAdmin(page.probe).then((answer) => (item.hidden = answer === undefined));
    return item;
  })));
  const streamState = h('span', { class: 'stream-state', 'data-stream-state': 'connecting' }, 'connecting…');
  const signOut = h('button', { type: 'button', class: 'small secondary', on: { click: () => { events.close(); clearCredentials(); location.hash = ''; location.reload(); } } }, 'Sign out');
  replace(sessionSlot, streamState, ' ', h('span', { class: 'muted' }, credentials.accessKeyId), ' ', signOut);
  const view = h('div', { class: 'view' });
  replace(main, nav, view);

  let dispose: (() => void) | void;
  const render = (): void => {
    if (dispose) dispose();
    const { page, argument } = parseRoute(location.hash);
    for (const [route, link] of links) {
      if (route === page.route) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.title = `${page.label} · casim console`;
    dispose = page.view(context, view, argument);
  };
  let wasRetrying = false;
  events.onState((state) => {
    streamState.setAttribute('data-stream-state', state);
    streamState.textContent = state === 'open' ? '● live' : state === 'retrying' ? 'reconnecting…' : 'connecting…';
    // Events sent while disconnected are gone: re-read the page's data once the stream is back.
    if (state === 'open' && wasRetrying) render();
    wasRetrying = state === 'retrying';
  });
  window.addEventListener('hashchange', () => {
    render();
    view.focus();
  });
  view.setAttribute('tabindex', '-1');
  events.start();
  render();
}

function boot(): void {
  const main = element('main');
  const sessionSlot = element('session-slot');
  const notices = new Notices(element('notices'));
  const stored = loadCredentials();
  if (stored) {
    startConsole(stored, main, sessionSlot, notices);
    return;
  }
  renderSignIn(main, (credentials) => {
    saveCredentials(credentials);
    startConsole(credentials, main, sessionSlot, notices);
  });
}

boot();
