/**
 * Building DOM without markup strings: text always goes in as text nodes (never innerHTML), so
 * nothing from the network can become markup or script.
 */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  /** Attributes, set with setAttribute (`class`, `id`, `for`, `aria-*`, `data-*`, …). */
  readonly [attribute: string]: string | number | boolean | undefined | ((event: Event) => void) | Readonly<Record<string, (event: Event) => void>>;
}

const BLOCKED_ATTRIBUTES = /^(on|srcdoc$|innerhtml$|outerhtml$)/i;

/** `h('button', { type: 'button', on: { click } }, 'Run')`; `true` sets an empty attribute, false/undefined none. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'on' && typeof value === 'object') {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
      continue;
    }
    if (value === undefined || value === false || typeof value === 'function' || typeof value === 'object') continue;
    if (BLOCKED_ATTRIBUTES.test(name)) throw new Error(`h(): attribute ${name} is not allowed`);
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces the children of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let nextId = 0;
/** A unique element id, to tie a label to its control. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** A labelled form field: `<div class="field"><label for=id>text</label>control hint</div>`. */
export function field(labelText: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLDivElement {
  if (!control.id) control.id = uid('field');
  const hintNode = hint === undefined ? undefined : h('small', { class: 'hint', id: `${control.id}-hint` }, hint);
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control, hintNode);
}

export function options(values: readonly string[], selected?: string): HTMLOptionElement[] {
  return values.map((value) => h('option', { value, selected: value === selected }, value));
}

/** A table in a horizontally scrolling wrapper (narrow windows), with a caption for screen readers. */
export function table(caption: string, headers: readonly string[], rows: readonly HTMLTableRowElement[]): HTMLDivElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, ...rows),
    ),
  );
}

export function cell(...children: Child[]): HTMLTableCellElement {
  return h('td', {}, ...children);
}

/** A status badge; the class comes from a fixed list, the text is the status as sent. */
export function statusBadge(status: string): HTMLSpanElement {
  const known = ['Pending', 'Scheduled', 'Running', 'Stopping', 'Success', 'Failed', 'Timeout', 'Invalid', 'Error', 'Aborted', 'Cancelled', 'Terminated', 'Stopped', 'Finished', 'PartialFailed', 'online', 'offline'];
  const kind = known.includes(status) ? status.toLowerCase() : 'unknown';
  return h('span', { class: `status status-${kind}` }, status || '—');
}
