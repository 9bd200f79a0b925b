import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from '../../controlplane/api/json-duplicate-keys.js';

describe('firstDuplicateKey', () => {
  it.each<[string, string, string | undefined]>([
    ['no keys', '{}', undefined],
    ['distinct keys', '{"a":"1","b":"2"}', undefined],
    ['an exact duplicate', '{"a":"1","a":"2"}', 'a'],
    ['a duplicate after others, with spaces', '{ "x" : "1" , "y":"" ,\n "x":"3"}', 'x'],
    ['keys differing in case are not exact duplicates', '{"who":"a","WHO":"b"}', undefined],
    ['the same key once escaped', '{"a":"1","\\u0061":"2"}', 'a'],
    ['a value equal to a key', '{"a":"a","b":"a"}', undefined],
    ['a value holding quotes, commas and braces', '{"a":"x\\",\\"a\\":{","b":"2"}', undefined],
    ['the same key in a nested object only', '{"a":{"k":1,"k":2},"b":"2"}', undefined],
    ['the same key in objects inside an array', '{"a":[{"k":1},{"k":2}]}', undefined],
    ['a nested key equal to a top-level key', '{"a":{"b":1},"b":"2"}', undefined],
    ['a duplicate after a nested object', '{"a":{"b":1},"c":[1,2],"a":"2"}', 'a'],
    ['an array, not an object', '["a","a"]', undefined],
    ['a string, not an object', '"a"', undefined],
  ])('%s → %s', (_label, text, expected) => {
    JSON.parse(text); // every case is valid JSON
    expect(firstDuplicateKey(text)).toBe(expected);
  });
});
