import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ApiClient } from './api-client.js';

const run = promisify(execFile);

/** The label on every container `casim fleet up --agent real` starts. */
export const REAL_AGENT_LABEL = 'casim.real-agent';
const BINARY_IN_CONTAINER = '/opt/casim-real/aliyun-service.bin';

/**
 * The container's entrypoint (sh): installs a copy of the binary where the agent expects its
 * version directory (it finds every other directory from its own path), writes the CA, puts a
 * no-op `aliyun-service` first in PATH (register restarts "the service" through PATH), registers
 * once with the activation (the identity stays in the container across restarts), then runs the
 * agent in the foreground. Every value comes from the environment, never from the script text.
 */
export const REAL_AGENT_ENTRYPOINT = [
  'set -eu',
  'root="${CASIM_AGENT_ROOT:-/usr/local/share/aliyun-assist}"',
  'work="${CASIM_REAL_DIR:-/opt/casim-real}"',
  'ver="$root/2.2.3.578"',
  'mkdir -p "$ver" "$work/bin"',
  '[ -x "$ver/aliyun-service" ] || { cp "$CASIM_AGENT_BINARY" "$ver/aliyun-service"; chmod 0755 "$ver/aliyun-service"; }',
  'printf "%s\\n" "$CASIM_CA_PEM" > "$work/ca.crt"',
  'printf "#!/bin/sh\\nexit 0\\n" > "$work/bin/aliyun-service"; chmod 0755 "$work/bin/aliyun-service"',
  '[ -s /etc/machine-id ] || { head -c 16 /dev/urandom | od -An -tx1 | tr -d " \\n" > /etc/machine-id; } 2>/dev/null || true',
  'export PATH="$work/bin:$PATH" ALIYUN_ASSIST_CERT_PATH="$work/ca.crt" TMPDIR="${TMPDIR:-/tmp}"',
  'if [ ! -s "$root/hybrid/instance-id" ]; then',
  '  "$ver/aliyun-service" --register --RegionId "$CASIM_REGION_ID" -I "$CASIM_ACTIVATION_ID" -C "$CASIM_ACTIVATION_CODE" -N "$CASIM_INSTANCE_NAME"',
  'fi',
  'exec "$ver/aliyun-service"',
].join('\n');

export interface RealAgentContainer {
  image: string;
  binaryPath: string;
  name: string;
  serverHost: string;
  caPem: string;
  regionId: string;
  activationId: string;
  activationCode: string;
}

/** `docker run` arguments for one real-agent instance (host network: casim is on loopback). Pure. */
export function dockerRunArgs(c: RealAgentContainer): string[] {
  const env = {
    ALIYUN_ASSIST_SERVER_HOST: c.serverHost,
    CASIM_CA_PEM: c.caPem,
    CASIM_AGENT_BINARY: BINARY_IN_CONTAINER,
    CASIM_REGION_ID: c.regionId,
    CASIM_ACTIVATION_ID: c.activationId,
    CASIM_ACTIVATION_CODE: c.activationCode,
    CASIM_INSTANCE_NAME: c.name,
  };
  return [
    'run', '-d', '--network', 'host', '--hostname', c.name, '--name', c.name, '--label', `${REAL_AGENT_LABEL}=1`,
    '-v', `${c.binaryPath}:${BINARY_IN_CONTAINER}:ro`,
    ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    '--entrypoint', '/bin/sh', c.image, '-c', REAL_AGENT_ENTRYPOINT,
  ];
}

interface ManagedBody {
  Instances: Array<{ InstanceId: string; ActivationId: string; Connected: boolean }>;
}

/**
 * `casim fleet up --agent real --agent-binary PATH`: N containers, each running the user's
 * `aliyun-service`, registered through one activation; waits until all are connected and
 * returns their `mi-…` ids.
 */
export async function realAgentFleetUp(
  client: ApiClient,
  serverUrl: string,
  count: number,
  options: { binary: string; image?: string; name?: string; waitSeconds: number; docker?: string },
): Promise<string[]> {
  const binary = resolve(options.binary);
  if (!existsSync(binary) || !statSync(binary).isFile()) throw new Error(`--agent-binary ${binary}: no such file`);
  const info = await fetch(new URL('/casim/real-agent', serverUrl));
  const body = (await info.json()) as { ServerHost?: string; CaCertificate?: string; Message?: string };
  if (!info.ok || !body.ServerHost || !body.CaCertificate) throw new Error(`the server does not serve the real agent: ${body.Message ?? info.status}`);
  const { ActivationId, ActivationCode } = await client.call<{ ActivationId: string; ActivationCode: string }>('CreateActivation', { InstanceCount: count, InstanceName: options.name ?? 'real' });
  const prefix = options.name ?? 'casim-real';
  for (let i = 1; i <= count; i++) {
    const name = `${prefix}-${ActivationId.slice(0, 8).toLowerCase()}-${i}`;
    const args = dockerRunArgs({ image: options.image ?? 'casim/instance', binaryPath: binary, name, serverHost: body.ServerHost, caPem: body.CaCertificate, regionId: 'cn-hangzhou', activationId: ActivationId, activationCode: ActivationCode });
    await run(options.docker ?? 'docker', args);
  }
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (;;) {
    const managed = await client.call<ManagedBody>('DescribeManagedInstances', { ActivationId });
    const connected = managed.Instances.filter((m) => m.ActivationId === ActivationId && m.Connected);
    if (connected.length === count) return connected.map((m) => m.InstanceId);
    if (Date.now() > deadline) throw new Error(`only ${connected.length} of ${count} real agents came online within ${options.waitSeconds} s (docker logs <container> shows why)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
