import { describe, expect, it } from 'vitest';
import { renderError, renderSuccess, xmlText } from '../../controlplane/api/response-format.js';

describe('xmlText', () => {
  it.each([
    ['plain text', 'plain text'],
    ['tab\tLF\nCR\r kept', 'tab\tLF\nCR\r kept'],
    ['a\u0000b\u0001c\u001fd', 'a\uFFFDb\uFFFDc\uFFFDd'],
    ['\uFFFE\uFFFF', '\uFFFD\uFFFD'],
    ['lone \uD800 and \uDFFF', 'lone \uFFFD and \uFFFD'],
    ['pair \uD83D\uDE00 and é 中', 'pair \uD83D\uDE00 and é 中'],
  ])('%j -> %j', (value, expected) => {
    expect(xmlText(value)).toBe(expected);
  });
});

describe('XML answers', () => {
  it('carry only characters XML 1.0 allows, escaped, while JSON carries the value as is', () => {
    const name = 'x\u0001<&>';
    const xml = renderSuccess({ RequestId: 'r', Name: name }, 'DescribeCommands', 'XML').text;
    expect(xml).toContain('<Name>x\uFFFD&lt;&amp;&gt;</Name>');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(JSON.parse(renderSuccess({ RequestId: 'r', Name: name }, 'DescribeCommands', 'JSON').text).Name).toBe(name);
    expect(renderError({ Code: 'C', Message: 'm\u0002' }, 'XML').text).toContain('<Message>m\uFFFD</Message>');
  });
});
