import type { RepeatMode } from '../store/records.js';

export interface RepeatModeInput {
  readonly repeatMode?: RepeatMode;
  readonly frequency?: string;
  readonly timed?: boolean;
}

/**
 * The RepeatMode an InvokeCommand / RunCommand really gets (spec §3):
 * - a Frequency forces Period, whatever RepeatMode says;
 * - else an explicit RepeatMode is taken as given, and `Timed` is ignored ("does not take
 *   effect and is no longer used", seed 003);
 * - else the oldest API's meaning of `Timed=true` is kept: a periodic task (which then needs a
 *   Frequency: the caller answers MissingParam.Frequency for a Period without one);
 * - else Once. Pure.
 */
export function effectiveRepeatMode(input: RepeatModeInput): RepeatMode {
  if (input.frequency) return 'Period';
  if (input.repeatMode) return input.repeatMode;
  return input.timed === true ? 'Period' : 'Once';
}
