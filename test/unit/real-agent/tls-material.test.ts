import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentFacingHost } from '../../../controlplane/real-agent/real-agent-gateway.js';
import { ensureTlsMaterial, subjectAltName } from '../../../controlplane/real-agent/tls-material.js';

const dir = mkdtempSync(join(tmpdir(), 'casim-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS material of the real-agent listener', () => {
  it.each([
    [['localhost', '127.0.0.1', '::1'], 'DNS:localhost,IP:127.0.0.1,IP:::1'],
    [['casim.lan'], 'DNS:casim.lan'],
  ])('names %j in the SAN as %s', (hosts, san) => {
    expect(subjectAltName(hosts)).toBe(san);
  });

  it.each([
    ['127.0.0.1', 'localhost'],
    ['0.0.0.0', 'localhost'],
    ['::', 'localhost'],
    ['10.1.2.3', '10.1.2.3'],
    ['fd00::1', '[fd00::1]'],
  ])('tells an agent to use %s as %s', (listen, host) => {
    expect(agentFacingHost(listen)).toBe(host);
  });

  it('makes a CA and a server certificate signed by it with the SAN Go checks, keeps them, and remakes only the server certificate for new names', () => {
    const first = ensureTlsMaterial(dir);
    const ca = new X509Certificate(readFileSync(first.caCertPath));
    const cert = new X509Certificate(first.cert);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(ca.ca).toBe(true);
    expect(ensureTlsMaterial(dir).cert).toBe(first.cert);
    const other = ensureTlsMaterial(dir, ['casim.lan']);
    expect(readFileSync(other.caCertPath, 'utf8')).toBe(readFileSync(first.caCertPath, 'utf8'));
    expect(new X509Certificate(other.cert).subjectAltName).toBe('DNS:casim.lan');
  });
});
