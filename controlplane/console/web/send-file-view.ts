import type { View } from './context.js';
import { cell, field, h, options, replace, statusBadge, table } from './dom.js';
import { loadInstances } from './instances-data.js';
import { list, str } from './json-read.js';

function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** SendFile: write a file on the chosen instances; the recent sends with their per-instance status. */
export const sendFileView: View = (context, root) => {
  const instanceSlot = h('div', {}, h('p', {}, 'Loading instances…'));
  const name = h('input', { type: 'text', required: true, maxlength: 255, placeholder: 'app.conf' });
  const targetDir = h('input', { type: 'text', required: true, maxlength: 255, placeholder: '/tmp' });
  const content = h('textarea', { rows: 6, spellcheck: 'false', class: 'code' });
  const contentType = h('select', {}, ...options(['PlainText', 'Base64'], 'PlainText'));
  const owner = h('input', { type: 'text', maxlength: 64, placeholder: 'root' });
  const group = h('input', { type: 'text', maxlength: 64, placeholder: 'root' });
  const mode = h('input', { type: 'text', pattern: '[0-7]{1,4}', placeholder: '0644' });
  const overwrite = h('input', { type: 'checkbox' });
  const submit = h('button', { type: 'submit' }, 'Send file');
  const boxes: HTMLInputElement[] = [];
  const form = h(
    'form',
    { class: 'panel', 'aria-label': 'Send a file' },
    h('fieldset', {}, h('legend', {}, 'Instances'), instanceSlot),
    h(
      'fieldset',
      {},
      h('legend', {}, 'File'),
      h(
        'div',
        { class: 'form-grid' },
        field('File name', name),
        field('Target directory', targetDir, 'An absolute path; created if missing'),
        field('Content type', contentType),
        field('File mode', mode),
        field('Owner', owner),
        field('Group', group),
        h('div', { class: 'field span-all' }, h('label', { class: 'inline' }, overwrite, ' Overwrite an existing file')),
        h('div', { class: 'field span-all' }, field('File content', content)),
      ),
    ),
    h('div', { class: 'actions' }, submit),
  );
  const sends = h('div', {});
  replace(root, h('h1', {}, 'Send a file'), form, h('h2', {}, 'Recent file sends'), h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'secondary', on: { click: () => void refreshSends() } }, 'Refresh file sends')), sends);

  const refreshSends = async (): Promise<void> => {
    try {
      const body = await context.api.call('DescribeSendFileResults', { MaxResults: 20 });
      const rows = list(body, 'Invocations', 'Invocation').map((item) =>
        h(
          'tr',
          { 'data-invoke-id': str(item, 'InvokeId') },
          cell(h('code', {}, str(item, 'InvokeId'))),
          cell(`${str(item, 'TargetDir')}/${str(item, 'Name')}`),
          cell(statusBadge(str(item, 'InvocationStatus'))),
          cell(
            h(
              'ul',
              { class: 'plain' },
              ...list(item, 'InvokeInstances', 'InvokeInstance').map((row) =>
                h('li', {}, h('code', {}, str(row, 'InstanceId')), ' ', statusBadge(str(row, 'InvocationStatus')), str(row, 'ErrorCode') ? ` ${str(row, 'ErrorCode')}: ${str(row, 'ErrorInfo')}` : ''),
              ),
            ),
          ),
          cell(str(item, 'CreationTime')),
        ),
      );
      replace(sends, rows.length === 0 ? h('p', {}, 'No files sent yet.') : table('Recent file sends', ['InvokeId', 'File', 'Status', 'Instances', 'Created'], rows));
    } catch (error) {
      context.notices.error(error);
    }
  };

  void loadInstances(context.api)
    .then((instances) => {
      boxes.length = 0;
      const items = instances.map((instance) => {
        const box = h('input', { type: 'checkbox', value: instance.instanceId, checked: context.selection.has(instance.instanceId) });
        boxes.push(box);
        return h('li', {}, h('label', { class: 'inline' }, box, ' ', h('code', {}, instance.instanceId), instance.name ? ` ${instance.name} ` : ' ', statusBadge(instance.online ? 'online' : 'offline')));
      });
      replace(instanceSlot, items.length === 0 ? h('p', {}, 'No instances.') : h('ul', { class: 'choice-list' }, ...items));
    })
    .catch((error: unknown) => context.notices.error(error));
  void refreshSends();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const instanceIds = boxes.filter((box) => box.checked).map((box) => box.value);
    if (instanceIds.length === 0) {
      context.notices.error(new Error('Choose at least one instance'));
      return;
    }
    submit.disabled = true;
    context.api
      .call('SendFile', {
        InstanceId: instanceIds,
        Name: name.value.trim(),
        TargetDir: targetDir.value.trim(),
        Content: contentType.value === 'PlainText' ? content.value : content.value.trim(),
        ContentType: contentType.value,
        FileOwner: optional(owner.value),
        FileGroup: optional(group.value),
        FileMode: optional(mode.value),
        Overwrite: overwrite.checked,
      })
      .then((answer) => {
        context.notices.info(`Sent ${typeof answer.InvokeId === 'string' ? answer.InvokeId : 'file'}`);
        void refreshSends();
        // File deliveries publish no lifecycle events; writes take milliseconds, so one more look shows the final statuses.
        window.setTimeout(() => void refreshSends(), 1000);
      })
      .catch((error: unknown) => context.notices.error(error))
      .finally(() => (submit.disabled = false));
  });
};
