import { describe, expect, it } from 'vitest';
import { paginate } from '../../controlplane/api/paging.js';

const items = Array.from({ length: 25 }, (_, i) => i);

describe('paginate (spec §1.10)', () => {
  it('pages with PageNumber/PageSize and reports TotalCount', () => {
    const page = paginate(items, { pageNumber: 3, pageSize: 10 });
    expect(page.items).toEqual([20, 21, 22, 23, 24]);
    expect(page.totalCount).toBe(25);
    expect(page.nextToken).toBe('');
  });
  it('walks every item with MaxResults/NextToken and omits TotalCount', () => {
    const seen: number[] = [];
    let token: string | undefined;
    do {
      const page = paginate(items, { maxResults: 7, nextToken: token });
      expect(page.totalCount).toBeUndefined();
      seen.push(...page.items);
      token = page.nextToken || undefined;
    } while (token);
    expect(seen).toEqual(items);
  });
  it('defaults to 10 items', () => {
    expect(paginate(items, {}).items).toHaveLength(10);
  });
  it.each(['garbage', Buffer.from('{"offset":-1}').toString('base64url')])('rejects NextToken %s with InvalidParameter.NextToken', (token) => {
    expect(() => paginate(items, { nextToken: token })).toThrowError(expect.objectContaining({ code: 'InvalidParameter.NextToken' }));
  });
});
