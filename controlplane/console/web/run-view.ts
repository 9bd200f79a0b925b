import type { Params } from './api-client.js';
import { encodeBase64Text } from './base64.js';
import { COMMAND_TYPES, loadCommands, type CommandRow } from './commands-data.js';
import type { View } from './context.js';
import { field, h, options, replace, statusBadge } from './dom.js';
import { loadInstances, type InstanceRow } from './instances-data.js';

const REPEAT_MODES = ['Once', 'Period', 'NextRebootOnly', 'EveryReboot', 'DryRun'] as const;

function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A JSON object of string values, or an error message. */
function parseParameters(text: string): Record<string, string> | string {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'Parameters must be a JSON object, e.g. {"name": "value"}';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'Parameters must be a JSON object';
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/**
 * Run: a script (RunCommand) or a saved command (InvokeCommand) on the chosen instances, with
 * Username, WorkingDir, Timeout, parameters, RepeatMode and Frequency. `argument` preselects a
 * saved command (from the Commands page).
 */
export const runView: View = (context, root, argument) => {
  replace(root, h('h1', {}, 'Run a command'), h('p', {}, 'Loading…'));
  let disposed = false;
  void Promise.all([loadInstances(context.api), loadCommands(context.api)])
    .then(([instances, commands]) => {
      if (!disposed) render(instances, commands);
    })
    .catch((error: unknown) => context.notices.error(error));

  const render = (instances: readonly InstanceRow[], commands: readonly CommandRow[]): void => {
    const preselected = commands.find((c) => c.commandId === argument);
    const modeScript = h('input', { type: 'radio', name: 'run-mode', value: 'script', checked: preselected === undefined });
    const modeSaved = h('input', { type: 'radio', name: 'run-mode', value: 'saved', checked: preselected !== undefined, disabled: commands.length === 0 });

    const type = h('select', {}, ...options(COMMAND_TYPES, 'RunShellScript'));
    const content = h('textarea', { rows: 8, spellcheck: 'false', class: 'code', placeholder: 'echo hello from {{ACS::InstanceId}}' });
    const name = h('input', { type: 'text', maxlength: 128, placeholder: 'optional' });
    const enableParameter = h('input', { type: 'checkbox' });
    const parametersJson = h('textarea', { rows: 2, spellcheck: 'false', class: 'code', placeholder: '{"name": "value"}' });
    const scriptFields = h(
      'div',
      { class: 'form-grid' },
      field('Type', type),
      field('Name', name),
      h('div', { class: 'field span-all' }, field('Script', content)),
      h('div', { class: 'field span-all' }, h('label', { class: 'inline' }, enableParameter, ' Enable parameters ({{name}} in the script)')),
      h('div', { class: 'field span-all' }, field('Parameters (JSON)', parametersJson)),
    );

    const commandSelect = h(
      'select',
      {},
      ...commands.map((c) => h('option', { value: c.commandId, selected: c.commandId === preselected?.commandId }, `${c.name} (${c.commandId})`)),
    );
    const parameterSlot = h('div', { class: 'form-grid' });
    const parameterInputs = new Map<string, HTMLInputElement>();
    const showParameters = (): void => {
      parameterInputs.clear();
      const command = commands.find((c) => c.commandId === commandSelect.value);
      const names = command?.enableParameter ? command.parameterNames : [];
      replace(parameterSlot, ...names.map((parameter) => {
        const input = h('input', { type: 'text' });
        parameterInputs.set(parameter, input);
        return field(`Parameter ${parameter}`, input);
      }));
    };
    commandSelect.addEventListener('change', showParameters);
    showParameters();
    const savedFields = h('div', {}, h('div', { class: 'form-grid' }, field('Command', commandSelect)), parameterSlot);

    const syncMode = (): void => {
      scriptFields.hidden = !modeScript.checked;
      savedFields.hidden = !modeSaved.checked;
    };
    modeScript.addEventListener('change', syncMode);
    modeSaved.addEventListener('change', syncMode);
    syncMode();

    const instanceBoxes = instances.map((instance) => {
      const box = h('input', { type: 'checkbox', value: instance.instanceId, checked: context.selection.has(instance.instanceId) });
      return { instance, box };
    });
    const instanceList = h(
      'ul',
      { class: 'choice-list' },
      ...instanceBoxes.map(({ instance, box }) =>
        h('li', {}, h('label', { class: 'inline' }, box, ' ', h('code', {}, instance.instanceId), instance.name ? ` ${instance.name} ` : ' ', statusBadge(instance.online ? 'online' : 'offline'))),
      ),
    );

    const username = h('input', { type: 'text', maxlength: 255, placeholder: 'the agent’s user' });
    const workingDir = h('input', { type: 'text', maxlength: 200, placeholder: "the user's home" });
    const timeout = h('input', { type: 'number', min: 10, max: 86400, placeholder: '60' });
    const repeatMode = h('select', {}, ...options(REPEAT_MODES, 'Once'));
    const frequency = h('input', { type: 'text', placeholder: 'rate(5m) · at(2026-12-01T10:00:00Z) · 0 */10 * * * ? Asia/Shanghai' });
    const frequencyField = field('Frequency', frequency, 'For RepeatMode Period: rate(), at() or a cron expression');
    const syncRepeat = (): void => {
      frequencyField.hidden = repeatMode.value !== 'Period';
    };
    repeatMode.addEventListener('change', syncRepeat);
    syncRepeat();

    const submit = h('button', { type: 'submit' }, 'Run');
    const form = h(
      'form',
      { class: 'panel', 'aria-label': 'Run a command' },
      h('fieldset', {}, h('legend', {}, 'What to run'), h('div', { class: 'radio-row' }, h('label', { class: 'inline' }, modeScript, ' Script (RunCommand)'), h('label', { class: 'inline' }, modeSaved, ' Saved command (InvokeCommand)')), scriptFields, savedFields),
      h('fieldset', {}, h('legend', {}, 'Instances'), instances.length === 0 ? h('p', {}, 'No instances.') : instanceList),
      h('fieldset', {}, h('legend', {}, 'Options'), h('div', { class: 'form-grid' }, field('Username', username), field('Working directory', workingDir), field('Timeout (seconds)', timeout), field('RepeatMode', repeatMode), frequencyField)),
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const instanceIds = instanceBoxes.filter(({ box }) => box.checked).map(({ box }) => box.value);
      if (instanceIds.length === 0) {
        context.notices.error(new Error('Choose at least one instance'));
        return;
      }
      const shared: Params = {
        InstanceId: instanceIds,
        Username: optional(username.value),
        WorkingDir: optional(workingDir.value),
        Timeout: optional(timeout.value),
        RepeatMode: repeatMode.value,
        Frequency: repeatMode.value === 'Period' ? optional(frequency.value) : undefined,
      };
      let action: string;
      let params: Params;
      if (modeScript.checked) {
        const parameters = parseParameters(parametersJson.value);
        if (typeof parameters === 'string') {
          context.notices.error(new Error(parameters));
          return;
        }
        action = 'RunCommand';
        params = {
          ...shared,
          Type: type.value,
          Name: optional(name.value),
          CommandContent: encodeBase64Text(content.value),
          ContentEncoding: 'Base64',
          EnableParameter: enableParameter.checked,
          Parameters: Object.keys(parameters).length ? JSON.stringify(parameters) : undefined,
        };
      } else {
        const parameters = Object.fromEntries([...parameterInputs].map(([key, input]) => [key, input.value]));
        action = 'InvokeCommand';
        params = { ...shared, CommandId: commandSelect.value, Parameters: Object.keys(parameters).length ? JSON.stringify(parameters) : undefined };
      }
      submit.disabled = true;
      context.api
        .call(action, params)
        .then((answer) => {
          const invokeId = typeof answer.InvokeId === 'string' ? answer.InvokeId : '';
          context.notices.info(`Started ${invokeId}`);
          context.navigate(`#/invocations/${encodeURIComponent(invokeId)}`);
        })
        .catch((error: unknown) => context.notices.error(error))
        .finally(() => (submit.disabled = false));
    });
    replace(root, h('h1', {}, 'Run a command'), form);
  };
  return () => {
    disposed = true;
  };
};
