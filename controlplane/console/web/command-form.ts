import { encodeBase64Text } from './base64.js';
import type { ConsoleContext } from './context.js';
import { field, h, options } from './dom.js';
import { COMMAND_TYPES, type CommandRow } from './commands-data.js';
import type { Params } from './api-client.js';

/** Blank means "not sent" (the server's default applies). */
function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Create a command (CreateCommand) or edit one (ModifyCommand: name, description, working
 * directory, timeout and launcher; content, type and parameters are fixed once created, as in
 * the real service). `done` is called after a successful save.
 */
export function commandForm(context: ConsoleContext, existing: CommandRow | undefined, done: () => void): HTMLFormElement {
  const name = h('input', { type: 'text', required: true, maxlength: 128, value: existing?.name ?? '', autocomplete: 'off' });
  const description = h('input', { type: 'text', maxlength: 512, value: existing?.description ?? '' });
  const type = h('select', { disabled: existing !== undefined }, ...options(COMMAND_TYPES, existing?.type ?? 'RunShellScript'));
  const content = h('textarea', { rows: 8, required: true, spellcheck: 'false', class: 'code', readonly: existing !== undefined });
  content.value = existing?.content ?? '';
  const workingDir = h('input', { type: 'text', maxlength: 200, value: existing?.workingDir ?? '', placeholder: "the user's home" });
  const timeout = h('input', { type: 'number', min: 10, max: 86400, value: existing?.timeout ?? '', placeholder: '60' });
  const launcher = h('input', { type: 'text', maxlength: 1024, value: existing?.launcher ?? '', placeholder: 'e.g. python3 -u {{ACS::ScriptFileName|Ext(".py")}}' });
  const enableParameter = h('input', { type: 'checkbox', checked: existing?.enableParameter ?? false, disabled: existing !== undefined });
  const submit = h('button', { type: 'submit' }, existing ? 'Save command' : 'Create command');
  const cancel = h('button', { type: 'button', class: 'secondary', on: { click: () => done() } }, 'Cancel');

  const form = h(
    'form',
    { class: 'panel form-grid', 'aria-label': existing ? `Edit command ${existing.name}` : 'New command' },
    h('h2', { class: 'span-all' }, existing ? `Edit ${existing.commandId}` : 'New command'),
    field('Name', name),
    field('Type', type),
    field('Description', description),
    field('Working directory', workingDir),
    field('Timeout (seconds)', timeout, '10–86400; default 60'),
    field('Launcher', launcher),
    h('div', { class: 'field span-all' }, h('label', { class: 'inline' }, enableParameter, ' Enable parameters ({{name}} in the content)')),
    h('div', { class: 'field span-all' }, field('Command content', content, existing ? 'The content of a saved command cannot change (as in Alibaba Cloud).' : undefined)),
    h('div', { class: 'actions span-all' }, submit, cancel),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    const common: Params = {
      Name: name.value.trim(),
      Description: description.value,
      WorkingDir: optional(workingDir.value),
      Timeout: optional(timeout.value),
      Launcher: optional(launcher.value),
    };
    const call = existing
      ? context.api.call('ModifyCommand', { ...common, CommandId: existing.commandId })
      : context.api.call('CreateCommand', {
          ...common,
          Type: type.value,
          CommandContent: encodeBase64Text(content.value),
          ContentEncoding: 'Base64',
          EnableParameter: enableParameter.checked,
        });
    call
      .then((answer) => {
        context.notices.info(existing ? `Saved ${existing.commandId}` : `Created ${typeof answer.CommandId === 'string' ? answer.CommandId : 'command'}`);
        done();
      })
      .catch((error: unknown) => context.notices.error(error))
      .finally(() => (submit.disabled = false));
  });
  return form;
}
