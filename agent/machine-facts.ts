import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { MachineFacts } from '../shared/protocol.js';
import { machineFactsOf } from './server-frames.js';

const PROBE_TIMEOUT_MS = 10_000;

/**
 * The probe run in a short-lived child process: systeminformation (a well-kept library that
 * knows each platform's sources: /etc/os-release, the interfaces, /proc/cpuinfo, /proc/meminfo)
 * prints the facts as one JSON line. A child, so the library's ~11 MB never stay in the
 * long-running agent's memory.
 */
function probeScript(library: string): string {
  return `
const si = (await import(${JSON.stringify(library)})).default;
const [os, interfaces, cpu, mem] = await Promise.all([si.osInfo(), si.networkInterfaces(), si.cpu(), si.mem()]);
const list = Array.isArray(interfaces) ? interfaces : [interfaces];
process.stdout.write(JSON.stringify({
  osName: os.distro,
  osVersion: [os.distro, os.release].filter(Boolean).join(' '),
  kernel: os.kernel,
  hostname: os.hostname,
  ipAddresses: list.filter((i) => !i.internal && i.ip4).map((i) => i.ip4),
  cpuModel: [cpu.manufacturer, cpu.brand].filter(Boolean).join(' '),
  cpuCores: cpu.cores,
  memoryBytes: mem.total,
}) + '\\n');
`;
}

/**
 * What this machine is (OS name and version, IP addresses, CPU, memory), for
 * DescribeManagedInstances' OsVersion / IntranetIp. Read once per agent start; undefined when
 * it cannot be read — the facts are optional.
 */
export function gatherMachineFacts(): Promise<MachineFacts | undefined> {
  let library: string;
  try {
    library = pathToFileURL(createRequire(import.meta.url).resolve('systeminformation')).href;
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', probeScript(library)], { timeout: PROBE_TIMEOUT_MS, maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        resolve(machineFactsOf(JSON.parse(stdout)));
      } catch {
        resolve(undefined);
      }
    });
  });
}
