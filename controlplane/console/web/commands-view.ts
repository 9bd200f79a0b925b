import { commandForm } from './command-form.js';
import { loadCommands, type CommandRow } from './commands-data.js';
import type { View } from './context.js';
import { cell, h, replace, table } from './dom.js';

/** Commands: the saved commands with their parameters; create, edit, delete, run. */
export const commandsView: View = (context, root) => {
  const formSlot = h('div', {});
  const body = h('div', {}, h('p', {}, 'Loading commands…'));
  const newButton = h('button', { type: 'button', on: { click: () => openForm(undefined) } }, 'New command');
  const refreshButton = h('button', { type: 'button', class: 'secondary', on: { click: () => void refresh() } }, 'Refresh commands');
  replace(root, h('h1', {}, 'Commands'), h('div', { class: 'toolbar' }, newButton, refreshButton), formSlot, body);

  const closeForm = (): void => {
    replace(formSlot);
    newButton.focus();
    void refresh();
  };
  const openForm = (existing: CommandRow | undefined): void => {
    const form = commandForm(context, existing, closeForm);
    replace(formSlot, form);
    form.querySelector('input')?.focus();
  };

  const actions = (command: CommandRow): HTMLDivElement => {
    const box = h('div', { class: 'row-actions' });
    const normal = (): void =>
      replace(
        box,
        h('button', { type: 'button', class: 'small', 'aria-label': `Run ${command.name}`, on: { click: () => context.navigate(`#/run/${command.commandId}`) } }, 'Run'),
        h('button', { type: 'button', class: 'small secondary', 'aria-label': `Edit ${command.name}`, on: { click: () => openForm(command) } }, 'Edit'),
        h('button', { type: 'button', class: 'small danger', 'aria-label': `Delete ${command.name}`, on: { click: confirm } }, 'Delete'),
      );
    const confirm = (): void => {
      const yes = h('button', { type: 'button', class: 'small danger', on: { click: remove } }, `Confirm delete ${command.name}`);
      replace(box, yes, h('button', { type: 'button', class: 'small secondary', on: { click: normal } }, 'Keep'));
      yes.focus();
    };
    const remove = (): void => {
      context.api
        .call('DeleteCommand', { CommandId: command.commandId })
        .then(() => {
          context.notices.info(`Deleted ${command.commandId}`);
          void refresh();
        })
        .catch((error: unknown) => {
          context.notices.error(error);
          normal();
        });
    };
    normal();
    return box;
  };

  const render = (commands: readonly CommandRow[]): void => {
    if (commands.length === 0) {
      replace(body, h('p', {}, 'No saved commands. Create one, or run a script directly from the Run page.'));
      return;
    }
    const rows = commands.map((command) =>
      h(
        'tr',
        { 'data-command-id': command.commandId },
        cell(h('strong', {}, command.name), h('div', {}, h('code', {}, command.commandId)), command.description ? h('div', { class: 'muted' }, command.description) : null),
        cell(command.type),
        cell(command.enableParameter ? (command.parameterNames.length ? command.parameterNames.join(', ') : 'enabled, none used') : '—'),
        cell(command.timeout === undefined ? '—' : `${command.timeout} s`),
        cell(command.workingDir || '—'),
        cell(String(command.invokeTimes)),
        cell(h('details', {}, h('summary', {}, 'Content'), h('pre', { class: 'output small-output' }, command.content))),
        cell(actions(command)),
      ),
    );
    replace(body, table('Commands', ['Command', 'Type', 'Parameters', 'Timeout', 'Working directory', 'Runs', 'Content', 'Actions'], rows));
  };

  const refresh = async (): Promise<void> => {
    try {
      render(await loadCommands(context.api));
    } catch (error) {
      context.notices.error(error);
    }
  };
  void refresh();
};
