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
 * worse. Most of an idle Node's RSS there is file pages of the node binary (smaps of a bare
 * `node` with a timer: 33.6 of its 43.5 MiB; 7.4 of them its dynamic symbol table, which ld.so
 * reads at start), which no flag changes; the rest is the V8 heap and malloc.
 *
 * With these flags V8 rejects the code cache embedded in the node binary for built-in modules
 * loaded after they are set (the cache is tied to the flags), and compiles those from source;
 * loading them before the flags instead was measured: 0.4 MiB less at best, within the noise.
 *
 * `--bytecode-old-age=1` and `--flush-baseline-code`: V8 drops a function's bytecode (and its
 * Sparkplug code) when the function has not run since the previous full GC, instead of after 6
 * GCs with the baseline code kept, and compiles it again from its source if it runs again. Most
 * of an agent's functions run once, at start (the CLI, module set-up, registering); the GCs of
 * V8's memory reducer after start then free them: 1.2 MiB of the idle agent in the instance image
 * (50.5 → 49.3 MiB, Node 22.23), for a recompile of the few functions a heartbeat or a task runs
 * when a full GC came between two uses (microseconds each; a busy agent runs its functions between
 * GCs and keeps them). `--bytecode-old-age=2` saves 0.5 MiB; either flag alone 0.2 or nothing.
 *
 * `--max-semi-space-size=1` does not change the idle agent, but bounds a busy one: V8 grows the
 * young generation with the allocation rate, from 1 to 16 MiB a semi-space, and keeps it; an
 * agent in its own process ran 4,000 tasks back to back at 86 MiB RSS, 66 MiB with the flag
 * (same p50 latency within the noise, bench/invoke-latency.ts). V8 reads it only when the heap is
 * set up, so setting it here has no effect (measured): the Docker instance's entrypoint passes it
 * on the command line, and so should a long-lived `casim agent` on a host (README).
 *
 * Not `--lite-mode` / `--jitless`, which save as much as `--no-opt --no-maglev` alone but only
 * 0.6 MiB more with them (Node 22.23, given on the command line: it starts, warning that it disables
 * `--expose_wasm`): they turn WebAssembly off, and then the first WebAssembly compile aborts
 * the process (undici's fetch, libraries with a wasm part). Set at run time, before the agent's
 * modules are loaded, so that a plain `node casim.js agent` gets them: a re-exec with the flags on
 * the command line would keep a second Node process (Node 20/22 have no execve).
 */
export const AGENT_V8_FLAGS = ['--no-opt', '--no-maglev', '--bytecode-old-age=1', '--flush-baseline-code'] as const;

if (process.argv[2] === 'agent') for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
