import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags of the long-lived, mostly idle `casim agent` process (issue 10: an idle agent in at
 * most 50 MB). `--no-opt` and `--no-maglev` turn off V8's optimising compilers (TurboFan; Maglev,
 * on by default from Node 22): about 7 MiB less RSS when idle (bench/idle-agent.ts), for peak
 * JavaScript speed the agent does not need (its work is sockets, PTYs and base64, done in C++;
 * Ignition and Sparkplug still run its code).
 *
 * Measured in the instance image (Node 22) and left out, each within ±0.7 MiB of the 56 MiB
 * idle agent: `--max-semi-space-size=1`, `--optimize-for-size`, `--single-threaded-gc`,
 * `--v8-pool-size=1`, `--max-old-space-size=16`, MALLOC_ARENA_MAX=1; `--no-sparkplug` is 3 MiB
 * worse. The V8 heap is ~10 MiB of it; ~43 MiB are pages of the node binary itself (code, the
 * built-in modules' sources, the dynamic symbol table that ld.so walks at start), which no flag
 * changes (a bare `node` there is 42.5 MiB, one that only requires `ws` 50.4 MiB).
 *
 * Not `--lite-mode` / `--jitless`, which save as much as these two alone but only 0.6 MiB more
 * with them (Node 22.23, given on the command line: it starts, warning that it disables
 * `--expose_wasm`): they turn WebAssembly off, and then the first WebAssembly compile aborts
 * the process (undici's fetch, libraries with a wasm part). Set at run time, before the agent's
 * modules are loaded, so that a plain `node casim.js agent` gets them: a re-exec with the flags on
 * the command line would keep a second Node process (Node 20/22 have no execve).
 */
export const AGENT_V8_FLAGS = ['--no-opt', '--no-maglev'] as const;

if (process.argv[2] === 'agent') for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
