import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptFileName, writeScriptFile } from '../../agent/runner/script-file.js';
import { SpareScriptFile } from '../../agent/runner/spare-script-file.js';
import type { TaskSpec } from '../../shared/protocol.js';
import { waitFor } from '../support/harness.js';

const root = mkdtempSync(join(tmpdir(), 'casim-spare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function task(script: string): TaskSpec {
  n += 1;
  return {
    taskId: `t-spare${n}`, run: 1, invokeId: 't-invoke', commandId: 'c-spare', commandName: 'spare-test', type: 'RunShellScript', script,
    workingDir: '', username: '', timeoutSeconds: 30, terminationMode: 'ProcessTree',
  };
}

const sparesIn = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith('.casim-spare-'));

describe('the spare script file (real files)', () => {
  it('the script is written into the spare, which takes the script\'s name (0755); the next is made by prepare', async () => {
    const dir = join(root, 'a');
    writeScriptFile(dir, task('true\n')); // makes the directory, as the first run does
    const spare = new SpareScriptFile(dir);
    spare.prepare();
    spare.prepare(); // one at a time
    expect(await spare.whenReady()).toBe(true);
    expect(sparesIn(dir)).toHaveLength(1);
    // Made read-only (no write access a fork could copy): 0600 until written.
    expect(statSync(join(dir, sparesIn(dir)[0]!)).mode & 0o777).toBe(0o600);
    const made = spare.take();
    expect(made).toBe(join(dir, sparesIn(dir)[0]!));
    expect(spare.take()).toBeNull();
    const inode = statSync(made!).ino;
    const t = task('echo "from the spare"\n');
    const path = writeScriptFile(dir, t, made);
    expect(path).toBe(join(dir, scriptFileName(t)));
    expect(readFileSync(path, 'utf8')).toBe('echo "from the spare"\n');
    expect(statSync(path).ino).toBe(inode);
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(sparesIn(dir)).toEqual([]);
    spare.prepare();
    expect(await spare.whenReady()).toBe(true);
    expect(sparesIn(dir)).toHaveLength(1);
    spare.stop();
    expect(sparesIn(dir)).toEqual([]);
    spare.prepare();
    expect(await spare.whenReady()).toBe(false);
    expect(sparesIn(dir)).toEqual([]);
  });

  it('stopped while one is being made: it is removed once made', async () => {
    const dir = join(root, 'd');
    writeScriptFile(dir, task('true\n'));
    const spare = new SpareScriptFile(dir);
    spare.prepare();
    spare.stop();
    expect(await spare.whenReady()).toBe(false);
    await waitFor(() => (sparesIn(dir).length === 0 ? true : undefined), 2_000, 'the spare removed');
  });

  it('a spare that is gone: the script file is written as without one', async () => {
    const dir = join(root, 'b');
    writeScriptFile(dir, task('true\n'));
    const spare = new SpareScriptFile(dir);
    spare.prepare();
    expect(await spare.whenReady()).toBe(true);
    const made = spare.take()!;
    unlinkSync(made);
    const path = writeScriptFile(dir, task('echo fresh\n'), made);
    expect(readFileSync(path, 'utf8')).toBe('echo fresh\n');
    expect(existsSync(made)).toBe(false);
  });

  it('no directory yet: prepare makes none and the run writes its file itself', async () => {
    const dir = join(root, 'c', 'missing');
    const spare = new SpareScriptFile(dir);
    spare.prepare();
    expect(await spare.whenReady()).toBe(false);
    expect(spare.take()).toBeNull();
    expect(readFileSync(writeScriptFile(dir, task('echo first\n'), null), 'utf8')).toBe('echo first\n');
  });
});
