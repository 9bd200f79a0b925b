/**
 * A small process that only loads node-pty and times bare spawns (bare-pty-spawns.ts): the anchor
 * for an agent in its own process (`casim agent`), which forks its PTYs from a process of about
 * that size, not from the benchmark's. `node bare-pty-spawns-child.js <count> <iterations>`
 * prints one JSON line: the samples (ms) and this process's RSS (MiB) after them.
 */
import { barePtySpawns } from './bare-pty-spawns.js';
import { rssOf } from './stats.js';

const [count, iterations] = process.argv.slice(2).map(Number);
if (!Number.isInteger(count) || !Number.isInteger(iterations)) throw new Error('usage: bare-pty-spawns-child.js <count> <iterations>');
const samples = await barePtySpawns(count!, iterations!);
process.stdout.write(`${JSON.stringify({ samples, rssMiB: rssOf('self') })}\n`);
