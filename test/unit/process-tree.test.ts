import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, parseProcStat } from '../../agent/runner/process-tree.js';

const procRoot = mkdtempSync(join(tmpdir(), 'casim-proc-'));
afterAll(() => rmSync(procRoot, { recursive: true, force: true }));

function stat(pid: number, text: string): void {
  mkdirSync(join(procRoot, String(pid)), { recursive: true });
  writeFileSync(join(procRoot, String(pid), 'stat'), text);
}

describe('parseProcStat', () => {
  it.each([
    { text: '42 (sh) S 1 42 42 34816 42 4194560', entry: { pid: 42, state: 'S', ppid: 1, pgrp: 42, session: 42 } },
    { text: '7 (a) b) (c) Z 3 7 1 0', entry: { pid: 7, state: 'Z', ppid: 3, pgrp: 7, session: 1 } },
    { text: '7 (sh R 1 7 7', entry: null },
    { text: '7 (sh) R 1', entry: null },
    { text: 'x (sh) R 1 7 7', entry: null },
  ])('$text', ({ text, entry }) => {
    expect(parseProcStat(text)).toEqual(entry);
  });
});

describe('isRunning', () => {
  it.each([
    { pid: 100, text: '100 (sh) S 1 100 100 0', running: true },
    { pid: 101, text: '101 (sh) R 1 101 101 0', running: true },
    { pid: 102, text: '102 (sh) Z 1 102 102 0', running: false },
    { pid: 103, text: '103 (sh) X 1 103 103 0', running: false },
    { pid: 104, text: 'garbage', running: false },
  ])('$text: $running', ({ pid, text, running }) => {
    stat(pid, text);
    expect(isRunning(pid, procRoot)).toBe(running);
  });

  it('is false for a process that does not exist, true for this one', () => {
    expect(isRunning(99_999, procRoot)).toBe(false);
    expect(isRunning(process.pid)).toBe(true);
  });
});
