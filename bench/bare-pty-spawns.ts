import { performance } from 'node:perf_hooks';
import pty from 'node-pty';

/**
 * The anchor of bench/invoke-latency.ts: `count` bare node-pty spawns of `/bin/sh -c true` at
 * once, timed until the last has exited, `iterations` times (ms each). What a fork costs depends
 * on the forking process (its page tables): the benchmark measures this in its own process for the
 * in-process agents, and in a small child (bare-pty-spawns-child.ts) for an agent in its own process.
 */
export async function barePtySpawns(count: number, iterations: number): Promise<number[]> {
  const spawnOne = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const child = pty.spawn('/bin/sh', ['-c', 'true'], { cwd: '/tmp', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      child.onExit(() => resolve());
    });
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, spawnOne));
    samples.push(performance.now() - start);
  }
  return samples;
}
