import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags of the long-lived, mostly idle `casim agent` process (issue 10: an idle agent in at
 * most 50 MB). `--no-opt` and `--no-maglev` turn off V8's optimising compilers (TurboFan; Maglev,
 * on by default from Node 22): about 7 MiB less RSS when idle (bench/idle-agent.ts), for peak
 * JavaScript speed the agent does not need (its work is sockets, PTYs and base64, done in C++;
 * Ignition and Sparkplug still run its code).
 *
 * Not `--lite-mode` / `--jitless`, which save as much: they turn WebAssembly off, and then the
 * first WebAssembly compile aborts the process (undici's fetch, libraries with a wasm part), or,
 * given on the command line, Node 22 fails at start-up. Set at run time, before the agent's
 * modules are loaded, so that a plain `node casim.js agent` gets them: a re-exec with the flags on
 * the command line would keep a second Node process (Node 20/22 have no execve).
 */
export const AGENT_V8_FLAGS = ['--no-opt', '--no-maglev'] as const;

if (process.argv[2] === 'agent') for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
