import { describe, expect, it } from 'vitest';
import { parseFileMode, precheckFile } from '../../agent/file-writer.js';
import { parseGroup } from '../../agent/runner/group.js';

describe('parseFileMode (chmod style)', () => {
  it.each([
    ['0644', 0o644],
    ['644', 0o644],
    ['0755', 0o755],
    ['4755', 0o4755],
    ['7', 0o7],
    ['0888', null],
    ['u+x', null],
    ['07777', null],
    ['', null],
  ] as Array<[string, number | null]>)('%j → %s', (mode, expected) => {
    expect(parseFileMode(mode)).toBe(expected);
  });
});

describe('precheckFile', () => {
  const ok = { name: 'a.txt', targetDir: '/tmp/x', mode: '0644' };
  it.each([
    ['a plain name', ok, null],
    ['a name with dots inside', { ...ok, name: 'a..b' }, null],
    ['a name with a slash', { ...ok, name: 'a/b' }, 'name-invalid'],
    ['a traversal', { ...ok, name: '../etc/passwd' }, 'name-invalid'],
    ['the name ..', { ...ok, name: '..' }, 'name-invalid'],
    ['the name .', { ...ok, name: '.' }, 'name-invalid'],
    ['an empty name', { ...ok, name: '' }, 'name-invalid'],
    ['a relative directory', { ...ok, targetDir: 'tmp' }, 'path-invalid'],
    ['a directory with NUL', { ...ok, targetDir: '/tmp/\0x' }, 'path-invalid'],
    ['a bad mode', { ...ok, mode: '9' }, 'mode-invalid'],
    ['no mode (default 0644)', { ...ok, mode: '' }, null],
  ] as Array<[string, typeof ok, string | null]>)('%s → %s', (_what, spec, reason) => {
    const outcome = precheckFile(spec);
    expect(outcome?.kind === 'failed' ? outcome.reason : null).toBe(reason);
  });
});

describe('parseGroup', () => {
  it('reads name and gid, skipping comments and malformed lines', () => {
    const text = 'root:x:0:\n# comment\nbroken\nnogroup:x:65534:\nstaff:x:50:alice,bob\nbad:x:notanumber:\n';
    expect(parseGroup(text)).toEqual([
      { name: 'root', gid: 0 },
      { name: 'nogroup', gid: 65534 },
      { name: 'staff', gid: 50 },
    ]);
  });
});
