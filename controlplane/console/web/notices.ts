import { ApiError } from './api-client.js';
import { h, replace } from './dom.js';

const INFO_MS = 8_000;

/** Messages for the user in the page's live region (announced by screen readers). */
export class Notices {
  constructor(private readonly region: HTMLElement) {}

  info(message: string): void {
    this.#show(message, 'info');
  }

  error(error: unknown): void {
    const message =
      error instanceof ApiError ? `${error.code}: ${error.detail}${error.requestId ? ` (RequestId ${error.requestId})` : ''}` : error instanceof Error ? error.message : String(error);
    this.#show(message, 'error');
  }

  clear(): void {
    replace(this.region);
  }

  #show(message: string, kind: 'info' | 'error'): void {
    const dismiss = h('button', { type: 'button', class: 'link-button', 'aria-label': 'Dismiss message', on: { click: () => notice.remove() } }, '×');
    const notice = h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('span', {}, message), dismiss);
    this.region.prepend(notice);
    // Confirmations fade after a while; errors stay until dismissed.
    if (kind === 'info') window.setTimeout(() => notice.remove(), INFO_MS);
    while (this.region.children.length > 3) this.region.lastElementChild?.remove();
  }
}
