import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** The PEM files of the real-agent listener, kept in `<data dir>/real-agent/tls/`. */
export interface TlsMaterial {
  /** Give this file to the agent as ALIYUN_ASSIST_CERT_PATH. */
  caCertPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  cert: string;
  key: string;
}

/** The certificate covers these names unless told otherwise (Go checks the SAN only, spec §1.3). */
export const DEFAULT_CERT_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];
const DAYS = '3650';

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

/** `DNS:localhost,IP:127.0.0.1`: names an x509 subjectAltName extension takes. */
export function subjectAltName(hosts: readonly string[]): string {
  return hosts.map((host) => (isIP(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
}

/**
 * A private CA and a server certificate signed by it, made with the `openssl` command on first
 * use (Node has no X.509 generator) and reused afterwards, so an agent given the CA once keeps
 * trusting the server across restarts. A certificate made for other host names is made again
 * (the CA stays).
 */
export function ensureTlsMaterial(dataDir: string, hosts: readonly string[] = DEFAULT_CERT_HOSTS): TlsMaterial {
  const dir = join(dataDir, 'real-agent', 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, 'ca.key');
  const caCertPath = join(dir, 'ca.crt');
  const serverKeyPath = join(dir, 'server.key');
  const serverCertPath = join(dir, 'server.crt');
  const hostsFile = join(dir, 'server.hosts');
  const san = subjectAltName(hosts);
  if (!existsSync(caKey) || !existsSync(caCertPath)) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', DAYS, '-subj', '/CN=casim real-agent CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    rmSync(serverCertPath, { force: true });
  }
  const current = existsSync(hostsFile) ? readFileSync(hostsFile, 'utf8') : '';
  if (!existsSync(serverKeyPath) || !existsSync(serverCertPath) || current !== san) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=casim'], dir);
    writeFileSync(join(dir, 'server.ext'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', DAYS, '-sha256', '-extfile', 'server.ext'], dir);
    writeFileSync(hostsFile, san);
    for (const scratch of ['server.csr', 'server.ext']) rmSync(join(dir, scratch), { force: true });
  }
  return {
    caCertPath,
    serverCertPath,
    serverKeyPath,
    cert: readFileSync(serverCertPath, 'utf8'),
    key: readFileSync(serverKeyPath, 'utf8'),
  };
}
