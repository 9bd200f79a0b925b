/**
 * The two markers the PTY session shell writes into the terminal around a script (launch-command.ts
 * PTY_BOOTSTRAP), both with a random id per run so that no output contains them by chance:
 * - `status`, followed by the script's exit status as three digits (`printf '%s%03d'`), written
 *   as soon as the script has exited (straight to the terminal, so possibly between output bytes);
 * - `end`, written last, by `cat` after every byte the script and its children wrote (followed by
 *   the newline of the here-doc it comes from, which is not output).
 * Pure.
 */
export interface SessionMarkers {
  status: string;
  end: string;
}

/** How many digits follow the status marker. */
export const STATUS_DIGITS = 3;

/** The markers for one run; `id` is a random hex string. */
export function sessionMarkers(id: string): SessionMarkers {
  return { status: `\u001ecasim-status-${id}:`, end: `\u001ecasim-end-${id}\u001e` };
}

/** The exit status from the digits after the status marker, or null when they are not one (0–255). */
export function parseScriptStatus(digits: Buffer): number | null {
  const text = digits.toString('latin1');
  if (!/^\d{3}$/.test(text)) return null;
  const status = Number(text);
  return status <= 255 ? status : null;
}
