import type { ScriptRun } from './types.js';

/**
 * A run whose runner is loaded when the first task comes, not by an idle agent (issue 10): the
 * host runner pulls in the PTY session, the passwd and process-tree readers and node:fs/promises,
 * the container runner the Docker frame decoder; about 0.4 MiB of an idle agent that may never
 * get a task. `start` imports the runner and starts the run; the returned run is usable at once:
 * a cancel that comes while the module loads is passed on as soon as the run exists (the runner
 * then keeps the script from starting, as it does for a cancel before its own pre-checks end).
 * `done` settles with the runner's result; it rejects only when the runner module cannot be
 * loaded (a broken installation), like the static import it replaces would have failed at start.
 */
export function deferredRun(start: () => Promise<ScriptRun>): ScriptRun {
  let run: ScriptRun | undefined;
  let cancelled = false;
  const done = start().then((started) => {
    run = started;
    if (cancelled) started.cancel();
    return started.done;
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      run?.cancel();
    },
  };
}
