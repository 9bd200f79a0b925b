import { describe, expect, it } from 'vitest';
import { prng } from '../support/prng.js';
import type { Params } from '../../cli/api-client.js';
import { CATALOG } from '../../controlplane/api/catalog.js';
import type { ParamSpec } from '../../controlplane/api/param-spec.js';
import { useServerWithAgent } from '../support/harness.js';

/**
 * The HTTP API under fuzzing: signed calls of every catalogued action with mutated parameters,
 * and raw requests that are not Alibaba calls at all. A client mistake is never a 5xx.
 * Script contents come from a fixed, harmless set (the fuzzed calls really run).
 */
const env = useServerWithAgent('api-fuzz');

const SAFE_CONTENT = ['echo fuzz', 'ZWNobyBmdXp6', '', '%%%', 'x'.repeat(40_000), '\u0000\u00ff', 'ZWNobyB7e2F9fQ==', 'echo {{a}} {{ACS::InstanceId}} {{ACS::Nope}}'];
const CONTENT_PARAMS = new Set(['CommandContent', 'Content', 'Launcher']);

describe('the HTTP API under fuzzing', () => {
  it('answers 3,000 mutated signed calls of every action without a 5xx', async () => {
    const random = prng(8484);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const { CommandId } = await env.test.client.call<{ CommandId: string }>('CreateCommand', { Name: 'fuzz', Type: 'RunShellScript', CommandContent: Buffer.from('echo fuzz').toString('base64') });
    const { InvokeId } = await env.test.client.call<{ InvokeId: string }>('InvokeCommand', { CommandId, InstanceId: [env.local.instanceId] });
    const ids = [env.local.instanceId, CommandId, InvokeId, 'i-missing', 'c-missing', 't-missing', 'a-missing', ''];
    const scalars = (): string =>
      pick([
        pick(ids), '', '-1', '0', '1', '99999999999999999999', '1.5', 'NaN', 'true', 'false', 'x'.repeat(Math.floor(random() * 3000)),
        '{"a":"1"}', '{"a":"1","a":"2"}', '[1]', '{', 'null', 'rate(5m)', 'at(2030-01-01 00:00:00)', '0 0 * * * ?', 'Asia/Shanghai', 'PlainText', 'Base64',
        'Once', 'Period', 'DryRun', 'EveryReboot', 'ProcessTree', 'root', 'nobody', '/tmp', '/does/not/exist', '../..', 'http://x', '\u0000', '😀', '%ZZ',
      ]);
    const valueFor = (name: string, spec: ParamSpec): Params[string] => {
      if (CONTENT_PARAMS.has(name)) return pick(SAFE_CONTENT);
      if (random() < 0.15) return scalars();
      switch (spec.kind) {
        case 'list':
          return Array.from({ length: pick([0, 1, 2, 60, 120]) }, () => (random() < 0.7 ? pick(ids) : scalars()));
        case 'tags':
          return undefined;
        case 'integer':
          return pick(['-5', '0', '10', '60', '86400', '86401', '2147483648', 'x']);
        case 'boolean':
          return pick(['true', 'false', 'yes', '1']);
        case 'json-object':
          return pick(['{"a":"1"}', '{"a":1}', '{"a":"1","a":"2"}', '[]', '{', JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v'])))]);
        default:
          return scalars();
      }
    };
    const actions = Object.keys(CATALOG) as Array<keyof typeof CATALOG>;
    const serverErrors: string[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const action = pick(actions);
      const params: Params = {};
      for (const [name, spec] of Object.entries(CATALOG[action])) {
        if (random() < 0.4) continue;
        if (spec.kind === 'tags') {
          const count = pick([1, 2, 21]);
          for (let t = 1; t <= count; t += 1) {
            params[`${name}.${t}.Key`] = random() < 0.2 ? '' : scalars();
            params[`${name}.${t}.Value`] = scalars();
          }
          continue;
        }
        params[name] = valueFor(name, spec);
      }
      const { status, text } = await env.test.client.send(action, params, random() < 0.8 ? 'JSON' : 'XML');
      if (status >= 500) serverErrors.push(`${action} ${JSON.stringify(params).slice(0, 300)} → ${status} ${text.slice(0, 200)}`);
    }
    expect(serverErrors).toEqual([]);
  }, 180_000);

  it('answers 1,000 raw requests that are not valid calls without a 5xx', async () => {
    const random = prng(1001);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const serverErrors: string[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const query = Array.from({ length: Math.floor(random() * 6) }, () =>
        pick(['Action=RunCommand', 'Action=', 'Version=2014-05-26', 'Version=1', 'Signature=%ZZ', 'AccessKeyId=test-key-id', 'Timestamp=2026', 'SignatureVersion=1.0', 'Format=XML', '=', '%', 'a=b=c', 'x'.repeat(2000)]),
      ).join('&');
      const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      const headers: Record<string, string> = {};
      if (random() < 0.5) headers['content-type'] = pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x']);
      if (random() < 0.3) headers.authorization = pick(['ACS3-HMAC-SHA256 Credential=test-key-id', 'ACS3-HMAC-SHA256', 'Bearer x', 'ACS3-HMAC-SHA256 Credential=,SignedHeaders=,Signature=']);
      if (random() < 0.3) headers['x-acs-action'] = pick(['RunCommand', '', 'Nope']);
      const body = method === 'GET' ? undefined : pick(['', 'Action=DescribeRegions', '{"Action":1}', '\u0000\u0001', 'a'.repeat(5000), 'RegionId=%E0%A4%A']);
      const response = await fetch(`${env.test.server.url}${pick(['/', '/?', '/x', '//', '/casim/nope'])}${query ? '?' + query : ''}`, { method, headers, body });
      await response.arrayBuffer();
      if (response.status >= 500) serverErrors.push(`${method} ${query.slice(0, 200)} → ${response.status}`);
    }
    expect(serverErrors).toEqual([]);
  }, 120_000);
});
