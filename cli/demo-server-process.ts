import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const STOP_GRACE_MS = 10_000;

/**
 * Starts `casim server` as a child in its own process group (detached), so the terminal's
 * Ctrl-C reaches only the demo, which then removes the instances through this server before
 * stopping it. Resolves once the server answers, with its pid and a function that stops it
 * (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. Should the demo exit any other way, the server
 * is sent SIGTERM as the demo exits.
 */
export async function startDemoServer(port: number, dataDir: string, answers: () => Promise<boolean>): Promise<{ pid: number; stop: () => Promise<void> }> {
  const cli = fileURLToPath(new URL('./casim.js', import.meta.url));
  const child = spawn(process.execPath, [cli, 'server', '--port', String(port), '--data-dir', dataDir], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CASIM_LOG_LEVEL: process.env.CASIM_LOG_LEVEL ?? 'warn' },
  });
  const exited = once(child, 'exit');
  const killOnExit = (): void => void (child.exitCode === null && child.kill('SIGTERM'));
  process.on('exit', killOnExit);
  for (let i = 0; i < 100 && child.exitCode === null && !(await answers()); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!(await answers())) {
    killOnExit();
    throw new Error('the server did not start');
  }
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(force);
  };
  return { pid: child.pid ?? 0, stop };
}
