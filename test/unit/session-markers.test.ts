import { describe, expect, it } from 'vitest';
import { parseScriptStatus, sessionMarkers } from '../../agent/runner/session-markers.js';

describe('session markers', () => {
  it('makes two different markers from one id, each naming it', () => {
    const markers = sessionMarkers('0a1b');
    expect(markers).toEqual({ status: '\u001ecasim-status-0a1b:', end: '\u001ecasim-end-0a1b\u001e' });
    expect(markers.end.startsWith(markers.status)).toBe(false);
    expect(markers.status.startsWith(markers.end)).toBe(false);
  });

  it.each([
    ['000', 0],
    ['007', 7],
    ['137', 137],
    ['255', 255],
    ['256', null],
    ['999', null],
    ['12', null],
    ['1234', null],
    ['-01', null],
    ['0x1', null],
    [' 12', null],
  ])('reads the status digits %j as %j', (digits, status) => {
    expect(parseScriptStatus(Buffer.from(digits, 'latin1'))).toBe(status);
  });
});
