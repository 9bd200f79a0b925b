import { describe, expect, it } from 'vitest';
import { scriptArgv, scriptCommand, scriptExtension } from '../../agent/runner/launcher.js';

describe('Launcher (spec §2, §17.2)', () => {
  it.each([
    [undefined, '.sh'],
    ['', '.sh'],
    ['python3 -u {{ACS::ScriptFileName|Ext(".py")}}', '.py'],
    ['bash {{ACS::ScriptFileName}}', '.sh'],
    ['x {{ACS::ScriptFileName|Ext("../evil")}}', '.sh'],
  ])('gives the script file of %j the extension %s', (launcher, ext) => {
    expect(scriptExtension(launcher)).toBe(ext);
  });
  it.each([
    [undefined, "'/tmp/a b.sh'"],
    ['python3 -u {{ACS::ScriptFileName|Ext(".py")}}', "python3 -u '/tmp/a b.sh'"],
    ['bash -x', "bash -x '/tmp/a b.sh'"],
  ])('runs the file with %j as %s', (launcher, command) => {
    expect(scriptCommand('/tmp/a b.sh', launcher)).toBe(command);
  });
  it.each([
    [undefined, ['/tmp/a b.sh']],
    ['', ['/tmp/a b.sh']],
    ['python3 -u {{ACS::ScriptFileName|Ext(".py")}}', ['sh', '-c', "python3 -u '/tmp/a b.sh'"]],
  ])('runs the file with %j as the argv %j', (launcher, argv) => {
    expect(scriptArgv('/tmp/a b.sh', launcher)).toEqual(argv);
  });
});
