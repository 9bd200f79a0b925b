import { describe, expect, it } from 'vitest';
import { useServerWithAgent, waitForResults } from '../support/harness.js';

const env = useServerWithAgent('pagers');

/** Programs that page on a terminal must not wait for a key (DESIGN §2). */
describe('pagers do not block', () => {
  it.each([
    ['git log', 'd=$(mktemp -d) && cd "$d" && git init -q && git -c user.email=a@b -c user.name=n commit -q --allow-empty -m first && unset GIT_PAGER PAGER && git log --format=%s', 'first\n'],
    ['more', 'seq 1 300 | more; echo done', `${Array.from({ length: 300 }, (_, i) => i + 1).join('\n')}\ndone\n`],
    ['pydoc (help())', 'python3 -c "help(len)" | head -1', 'Help on built-in function len in module builtins:\n'],
  ])('%s finishes at once', async (_name, script, output) => {
    const started = Date.now();
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('RunCommand', {
      Type: 'RunShellScript',
      CommandContent: script,
      InstanceId: [env.local.instanceId],
      Timeout: 30,
    });
    const [result] = await waitForResults(env.test.client, InvokeId, 30_000);
    expect(result).toMatchObject({ InvocationStatus: 'Success', Output: output });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
