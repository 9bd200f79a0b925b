import { describe, expect, it } from 'vitest';
import { decodeUrlEncoded, toVerifyInput } from '../../../controlplane/auth/wire-request.js';

describe('decodeUrlEncoded', () => {
  it('decodes %XX as UTF-8 and + as a space, keeping order and repeats', () => {
    expect(decodeUrlEncoded('b=a+b%20c&a=%E4%B8%AD&b=*!&e=&f')).toEqual([
      ['b', 'a b c'],
      ['a', '中'],
      ['b', '*!'],
      ['e', ''],
      ['f', ''],
    ]);
  });

  it('ignores a leading "?"', () => {
    expect(decodeUrlEncoded('?x=1')).toEqual([['x', '1']]);
  });
});

describe('toVerifyInput', () => {
  const empty = Buffer.alloc(0);

  it('splits path and query', () => {
    const input = toVerifyInput({ method: 'POST', url: '/?A=1&B=x%2Fy', headers: {}, body: empty });
    expect(input.path).toBe('/');
    expect(input.queryParams).toEqual([
      ['A', '1'],
      ['B', 'x/y'],
    ]);
    expect(input.bodyParams).toEqual([]);
  });

  it('reads a form body, whatever its charset parameter', () => {
    const body = Buffer.from('Action=X&Name=a+b');
    const input = toVerifyInput({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' },
      body,
    });
    expect(input.queryParams).toEqual([]);
    expect(input.bodyParams).toEqual([
      ['Action', 'X'],
      ['Name', 'a b'],
    ]);
    expect(input.body).toBe(body);
  });

  it('does not read a non-form body as parameters', () => {
    const input = toVerifyInput({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"a":1}'),
    });
    expect(input.bodyParams).toEqual([]);
  });
});
