import { ApiError, ConsoleApi } from './api-client.js';
import type { Credentials } from './credentials.js';
import { field, h, replace } from './dom.js';

/**
 * Signing in: the access key pair the server accepts (CASIM_ACCESS_KEY_ID / _SECRET, printed at
 * start). It is checked with one signed call; the secret stays in this tab's sessionStorage and
 * never leaves the page except as signatures.
 */
export function renderSignIn(root: HTMLElement, signedIn: (credentials: Credentials) => void): void {
  const keyId = h('input', { type: 'text', required: true, autocomplete: 'username', spellcheck: 'false' });
  const secret = h('input', { type: 'password', required: true, autocomplete: 'current-password' });
  const region = h('input', { type: 'text', required: true, value: 'cn-hangzhou', spellcheck: 'false' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-label': 'Sign in' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Use an access key pair of this server (the server prints it at start; the local default is documented in the README).'),
    field('AccessKeyId', keyId),
    field('AccessKeySecret', secret),
    field('RegionId', region),
    error,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!window.isSecureContext || crypto.subtle === undefined) {
      error.textContent = 'The console signs requests with WebCrypto, which browsers offer on loopback (127.0.0.1, localhost) and HTTPS pages only.';
      return;
    }
    const credentials: Credentials = { accessKeyId: keyId.value.trim(), accessKeySecret: secret.value, regionId: region.value.trim() };
    submit.disabled = true;
    error.textContent = '';
    new ConsoleApi(credentials)
      .call('DescribeRegions')
      .then(() => signedIn(credentials))
      .catch((failure: unknown) => {
        error.textContent = failure instanceof ApiError ? `Not signed in: ${failure.code}` : `Not signed in: ${String(failure)}`;
        secret.focus();
      })
      .finally(() => (submit.disabled = false));
  });
  replace(root, form);
  keyId.focus();
}
