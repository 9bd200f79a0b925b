import { describe, expect, it } from 'vitest';
import { DemoSession, interruptHandler, type DemoDeps } from '../../cli/demo-session.js';

/** Fake effects that record their order. */
function fakes(options: { answers?: boolean; orphans?: number } = {}): { deps: DemoDeps; calls: string[]; said: string[]; failRemove: () => void } {
  let failing = false;
  const calls: string[] = [];
  const said: string[] = [];
  const deps: DemoDeps = {
    serverAnswers: async () => (calls.push('serverAnswers'), options.answers ?? false),
    removeOrphanContainers: async () => (calls.push('removeOrphanContainers'), options.orphans ?? 0),
    startServer: async () => {
      calls.push('startServer');
      return async () => void calls.push('stopServer');
    },
    removeInstances: async (ids) => {
      calls.push(ids ? `removeInstances ${ids.join(',')}` : 'removeInstances');
      if (failing) throw new Error('docker is gone');
      return ['i-1'];
    },
    say: (text) => void said.push(text),
  };
  return { deps, calls, said, failRemove: () => void (failing = true) };
}

describe('DemoSession', () => {
  it('without a server: removes orphan containers, starts its server, then drops stale records', async () => {
    const { deps, calls, said } = fakes({ orphans: 3 });
    const session = new DemoSession(deps);
    await session.begin();
    expect(calls).toEqual(['serverAnswers', 'removeOrphanContainers', 'startServer', 'removeInstances']);
    expect(session.ownsServer).toBe(true);
    expect(said.join('\n')).toMatch(/removed 3 container\(s\) left by an earlier demo/);
  });

  it('with a server that already answers: removes only the instances it made, and does not stop that server', async () => {
    const { deps, calls } = fakes({ answers: true });
    const session = new DemoSession(deps);
    await session.begin();
    expect(calls).toEqual(['serverAnswers']);
    session.track(['i-a', 'i-b']);
    await session.end();
    expect(calls).toEqual(['serverAnswers', 'removeInstances i-a,i-b']);
    expect(session.ownsServer).toBe(false);
  });

  it('with a server that already answers and nothing made yet: removes nothing', async () => {
    const { deps, calls } = fakes({ answers: true });
    const session = new DemoSession(deps);
    await session.begin();
    await session.end();
    expect(calls).toEqual(['serverAnswers']);
  });

  it('ends by removing the instances while the server runs, then stopping the server', async () => {
    const { deps, calls } = fakes();
    const session = new DemoSession(deps);
    await session.begin();
    calls.length = 0;
    await session.end();
    expect(calls).toEqual(['removeInstances', 'stopServer']);
  });

  it('stops the server even when removing the instances fails, and reports the failure', async () => {
    const { deps, calls, failRemove } = fakes();
    const session = new DemoSession(deps);
    await session.begin();
    calls.length = 0;
    failRemove();
    await expect(session.end()).rejects.toThrow('docker is gone');
    expect(calls).toEqual(['removeInstances', 'stopServer']);
  });

  it('ends once, however often it is asked', async () => {
    const { deps, calls } = fakes();
    const session = new DemoSession(deps);
    await session.begin();
    calls.length = 0;
    await Promise.all([session.end(), session.end(), session.end()]);
    expect(calls).toEqual(['removeInstances', 'stopServer']);
  });
});

describe('interruptHandler', () => {
  it('first signal: ends the session, then exits 0', async () => {
    const order: string[] = [];
    let finish = (): void => undefined;
    const session = { end: () => new Promise<void>((resolve) => (finish = () => (order.push('ended'), resolve()))) };
    const exited = new Promise<number>((resolve) => {
      const onSignal = interruptHandler(session, (code) => (order.push(`exit ${code}`), resolve(code)), () => undefined);
      onSignal();
      expect(order).toEqual([]); // does not exit before the ending is done
      finish();
    });
    expect(await exited).toBe(0);
    expect(order).toEqual(['ended', 'exit 0']);
  });

  it('a second signal while ending exits 1 at once', () => {
    const codes: number[] = [];
    const onSignal = interruptHandler({ end: () => new Promise<void>(() => undefined) }, (code) => void codes.push(code), () => undefined);
    onSignal();
    onSignal();
    expect(codes).toEqual([1]);
  });

  it('exits 1 when the ending fails', async () => {
    const code = await new Promise<number>((resolve) => interruptHandler({ end: () => Promise.reject(new Error('x')) }, resolve, () => undefined)());
    expect(code).toBe(1);
  });
});
