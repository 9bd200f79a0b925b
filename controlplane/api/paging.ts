import { apiError } from './errors.js';

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
  pageNumber?: number;
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  pageNumber: number;
  pageSize: number;
  /** Only in PageNumber/PageSize mode (spec §1.10). */
  totalCount: number | undefined;
  /** "" when there is no further page. */
  nextToken: string;
}

export const DEFAULT_PAGE_SIZE = 10;

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = (value as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the API error
  }
  throw apiError('InvalidParameter.NextToken');
}

/**
 * One page of `items` (already sorted). MaxResults/NextToken mode when either is given,
 * else PageNumber/PageSize mode (spec §1.10).
 */
export function paginate<T>(items: readonly T[], request: PageRequest, defaultSize = DEFAULT_PAGE_SIZE): Page<T> {
  const tokenMode = request.maxResults !== undefined || request.nextToken !== undefined;
  if (tokenMode) {
    const size = request.maxResults ?? defaultSize;
    const offset = request.nextToken ? decodeToken(request.nextToken) : 0;
    const end = offset + size;
    return {
      items: items.slice(offset, end),
      pageNumber: Math.floor(offset / size) + 1,
      pageSize: size,
      totalCount: undefined,
      nextToken: end < items.length ? encodeToken(end) : '',
    };
  }
  const size = request.pageSize ?? defaultSize;
  const number = request.pageNumber ?? 1;
  const offset = (number - 1) * size;
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    pageNumber: number,
    pageSize: size,
    totalCount: items.length,
    nextToken: end < items.length ? encodeToken(end) : '',
  };
}

/** The paging fields of a response body, in the SDK's PascalCase. */
export function pageFields<T>(page: Page<T>): Record<string, number | string> {
  const fields: Record<string, number | string> = {
    PageNumber: page.pageNumber,
    PageSize: page.pageSize,
    NextToken: page.nextToken,
  };
  if (page.totalCount !== undefined) fields.TotalCount = page.totalCount;
  return fields;
}
