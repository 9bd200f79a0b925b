import { h } from './dom.js';

/** Any JSON value as nested definition lists and lists of text (for endpoints whose shape may change). */
export function jsonTree(value: unknown, depth = 0): HTMLElement {
  if (depth > 8) return h('span', { class: 'muted' }, '…');
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, 'none');
    return h('ol', { class: 'json-list' }, ...value.slice(0, 200).map((item) => h('li', {}, jsonTree(item, depth + 1))));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return h('span', { class: 'muted' }, 'none');
    return h('dl', { class: 'facts' }, ...entries.slice(0, 200).flatMap(([key, item]) => [h('dt', {}, key), h('dd', {}, jsonTree(item, depth + 1))]));
  }
  return h('span', {}, value === null ? 'null' : String(value));
}
