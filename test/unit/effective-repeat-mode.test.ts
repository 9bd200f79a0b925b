import { describe, expect, it } from 'vitest';
import { effectiveRepeatMode, type RepeatModeInput } from '../../controlplane/invocations/effective-repeat-mode.js';

describe('effectiveRepeatMode', () => {
  it.each<[string, RepeatModeInput, string]>([
    ['nothing given', {}, 'Once'],
    ['a Frequency alone', { frequency: 'rate(1h)' }, 'Period'],
    ['a Frequency overrides RepeatMode=Once', { frequency: 'rate(1h)', repeatMode: 'Once' }, 'Period'],
    ['a Frequency overrides RepeatMode=EveryReboot', { frequency: 'rate(1h)', repeatMode: 'EveryReboot' }, 'Period'],
    ['RepeatMode=EveryReboot with Timed=true (Timed no longer used)', { repeatMode: 'EveryReboot', timed: true }, 'EveryReboot'],
    ['RepeatMode=NextRebootOnly with Timed=true', { repeatMode: 'NextRebootOnly', timed: true }, 'NextRebootOnly'],
    ['RepeatMode=Once with Timed=true', { repeatMode: 'Once', timed: true }, 'Once'],
    ['RepeatMode=DryRun with Timed=true', { repeatMode: 'DryRun', timed: true }, 'DryRun'],
    ['RepeatMode=Period with Timed=false', { repeatMode: 'Period', timed: false }, 'Period'],
    ['legacy: Timed=true without RepeatMode', { timed: true }, 'Period'],
    ['legacy: Timed=true and a Frequency', { timed: true, frequency: 'rate(1h)' }, 'Period'],
    ['Timed=false without RepeatMode', { timed: false }, 'Once'],
  ])('%s → %s', (_label, input, expected) => {
    expect(effectiveRepeatMode(input)).toBe(expected);
  });
});
