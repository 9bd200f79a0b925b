import type { Command } from 'commander';
import { HttpFaults } from '../testkit/http-faults.js';
import type { FaultSpec, InjectedFault } from '../testkit/types.js';

/** The options of `casim fault add`, as commander gives them (the server validates the fault). */
export interface FaultAddOptions {
  server: string;
  json?: string;
  action?: string;
  region?: string;
  accessKey?: string;
  code?: string;
  latencyMs?: string;
  instance: string[];
  tag?: string;
  seconds?: string;
  afterSeconds?: string;
  keepBytes?: string;
  exitCode?: string;
  count?: string;
  ttl?: string;
  probability?: string;
}

const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

/** The fault `casim fault add KIND --flags` describes (or the --json text as it is). */
export function faultSpecOf(kind: string | undefined, options: FaultAddOptions): unknown {
  if (options.json !== undefined) return JSON.parse(options.json) as unknown;
  const [tagKey, ...tagValue] = options.tag?.split('=') ?? [];
  const spec: Record<string, unknown> = {
    kind,
    action: options.action,
    regionId: options.region,
    accessKeyId: options.accessKey,
    code: options.code,
    latencyMs: num(options.latencyMs),
    instanceIds: options.instance.length > 0 ? options.instance : undefined,
    tag: tagKey === undefined ? undefined : { key: tagKey, ...(tagValue.length > 0 ? { value: tagValue.join('=') } : {}) },
    seconds: num(options.seconds),
    afterSeconds: num(options.afterSeconds),
    keepBytes: num(options.keepBytes),
    exitCode: num(options.exitCode),
    count: num(options.count),
    ttlSeconds: num(options.ttl),
    probability: num(options.probability),
  };
  return Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== undefined));
}

/** One line per fault: id, kind, scope and what is left of it. */
export function formatFault(fault: InjectedFault): string {
  const { id, kind, createdTime: _c, expireTime, remaining, fired, ...rest } = fault;
  const left = [remaining === null ? '' : `${remaining} left`, expireTime === null ? '' : `until ${expireTime}`].filter(Boolean).join(', ') || 'until removed';
  return `${id}  ${kind}  ${JSON.stringify(rest)}  fired ${fired}, ${left}`;
}

/** `casim fault add|ls|rm|clear` (server started with --admin). */
export function addFaultCommands(program: Command, serverOption: readonly [string, string, string]): void {
  const fault = program.command('fault').description('inject faults (server started with --admin): API errors and latency, delivery and agent failures');
  fault
    .command('add')
    .description('add a fault, e.g. `casim fault add api-error --action RunCommand --code Throttling --count 2`')
    .argument('[kind]', 'api-error, api-latency, agent-offline, delivery-delay, delivery-loss, slow-start, agent-crash, instance-stop, instance-reboot, output-cut, exit-code, clock-skew')
    .option(...serverOption)
    .option('--json <fault>', 'the whole fault as JSON (instead of the flags)')
    .option('--action <action>', 'API faults: only this Action')
    .option('--region <regionId>', 'API faults: only this RegionId')
    .option('--access-key <id>', 'API faults: only this AccessKeyId')
    .option('--code <code>', 'api-error: the catalogued error code (Throttling, ServiceUnavailable, InternalError, …)')
    .option('--latency-ms <ms>', 'api-latency: how long to hold the call')
    .option('-i, --instance <id>', 'instance faults: this instance; repeat for more (default: every instance)', (id: string, ids: string[]) => [...ids, id], [] as string[])
    .option('--tag <key[=value]>', 'instance faults: instances with this tag')
    .option('--seconds <n>', 'delivery-delay, slow-start: the delay; clock-skew: the offset (negative: behind)')
    .option('--after-seconds <n>', 'agent-crash, instance-stop, instance-reboot: how far into the run')
    .option('--keep-bytes <n>', 'output-cut: bytes of Output kept')
    .option('--exit-code <n>', 'exit-code: the exit code reported')
    .option('--count <n>', 'fire this many times, then end')
    .option('--ttl <seconds>', 'end this long after now')
    .option('--probability <p>', 'chance (0–1) that each occasion fires it')
    .action(async (kind: string | undefined, options: FaultAddOptions) => {
      const added = await new HttpFaults(options.server).add(faultSpecOf(kind, options) as FaultSpec);
      process.stdout.write(`${formatFault(added)}\n`);
    });
  fault
    .command('ls')
    .description('list the faults in force')
    .option(...serverOption)
    .action(async (options: { server: string }) => {
      const faults = await new HttpFaults(options.server).list();
      process.stdout.write(faults.length === 0 ? 'no faults\n' : faults.map(formatFault).join('\n') + '\n');
    });
  fault
    .command('rm')
    .description('remove one fault')
    .argument('<id>', 'the fault id (flt-…)')
    .option(...serverOption)
    .action(async (id: string, options: { server: string }) => {
      await new HttpFaults(options.server).remove(id);
      process.stdout.write(`removed ${id}\n`);
    });
  fault
    .command('clear')
    .description('remove every fault')
    .option(...serverOption)
    .action(async (options: { server: string }) => {
      process.stdout.write(`removed ${await new HttpFaults(options.server).clear()} fault(s)\n`);
    });
}
