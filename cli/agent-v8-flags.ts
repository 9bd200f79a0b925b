import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags of the long-lived, mostly idle `casim agent` process (issue 10: an idle agent in at
 * most 50 MB). `--lite-mode` turns off the optimising compilers and allocates feedback lazily:
 * about 8 MiB less RSS when idle (bench/idle-agent.ts), for JavaScript peak speed the agent does
 * not need (its work is sockets, PTYs and base64, done in C++).
 *
 * Set at run time, before the agent's modules are loaded, so that a plain `node casim.js agent`
 * gets them: a re-exec with the flags on the command line would keep a second Node process (Node
 * 20/22 have no execve). `--lite-mode` is refused in NODE_OPTIONS, so the instance image passes it
 * on its command line as well (images/instance/Dockerfile).
 */
export const AGENT_V8_FLAGS = ['--lite-mode'] as const;

if (process.argv[2] === 'agent') for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
