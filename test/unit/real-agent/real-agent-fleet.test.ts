import { describe, expect, it } from 'vitest';
import { dockerRunArgs, REAL_AGENT_ENTRYPOINT, REAL_AGENT_LABEL } from '../../../cli/real-agent-fleet.js';

const container = {
  image: 'casim/instance',
  binaryPath: '/home/me/aliyun-service',
  name: 'casim-real-abc-1',
  serverHost: 'localhost:8443',
  caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  regionId: 'cn-hangzhou',
  activationId: 'ACT-1',
  activationCode: "a'b\"$(rm -rf /)",
};

describe('casim fleet up --agent real: the docker run of one instance', () => {
  const args = dockerRunArgs(container);
  const env = Object.fromEntries(args.flatMap((arg, i) => (args[i - 1] === '-e' ? [arg.split(/=(.*)/s).slice(0, 2)] : [])));

  it('runs on the host network with the label, the binary mounted read-only and the entrypoint as sh -c', () => {
    expect(args.slice(0, 4)).toEqual(['run', '-d', '--network', 'host']);
    expect(args).toContain(`${REAL_AGENT_LABEL}=1`);
    expect(args).toContain('/home/me/aliyun-service:/opt/casim-real/aliyun-service.bin:ro');
    expect(args.slice(-5)).toEqual(['--entrypoint', '/bin/sh', 'casim/instance', '-c', REAL_AGENT_ENTRYPOINT]);
  });

  it('passes every value through the environment, never through the script text', () => {
    expect(env).toMatchObject({
      ALIYUN_ASSIST_SERVER_HOST: 'localhost:8443',
      CASIM_CA_PEM: container.caPem,
      CASIM_ACTIVATION_ID: 'ACT-1',
      CASIM_ACTIVATION_CODE: container.activationCode,
      CASIM_INSTANCE_NAME: 'casim-real-abc-1',
    });
    expect(REAL_AGENT_ENTRYPOINT).not.toContain('ACT-1');
    expect(REAL_AGENT_ENTRYPOINT).toContain('"$CASIM_ACTIVATION_CODE"');
  });

  it('registers only when the instance has no identity yet, and runs the agent in the foreground last', () => {
    const lines = REAL_AGENT_ENTRYPOINT.split('\n');
    expect(lines[0]).toBe('set -eu');
    expect(lines).toContain('if [ ! -s "$root/hybrid/instance-id" ]; then');
    expect(lines.at(-1)).toBe('exec "$ver/aliyun-service"');
  });
});
