import type { PageSpec, StorePage } from '../store/page.js';
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

/**
 * A NextToken: how many rows came before (for PageNumber) and, from store-backed lists, the
 * keyset cursor of the last row returned, so the next page continues after it without OFFSET.
 */
interface Token {
  offset: number;
  after?: number[];
}

function encodeToken(offset: number, after?: readonly number[]): string {
  const token: Token = after ? { offset, after: [...after] } : { offset };
  return Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');
}

function decodeToken(token: string): Token {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const { offset, after } = value as { offset?: unknown; after?: unknown };
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) {
      if (after === undefined) return { offset };
      if (Array.isArray(after) && after.length > 0 && after.length <= 4 && after.every((k) => typeof k === 'number' && Number.isSafeInteger(k))) {
        return { offset, after: after as number[] };
      }
    }
  } catch {
    // fall through to the API error
  }
  throw apiError('InvalidParameter.NextToken');
}

/** What a store query needs of a page request (keyset when the NextToken carries a cursor). */
export function pageSpec(request: PageRequest, defaultSize = DEFAULT_PAGE_SIZE): PageSpec {
  const tokenMode = request.maxResults !== undefined || request.nextToken !== undefined;
  if (tokenMode) {
    const limit = request.maxResults ?? defaultSize;
    const token = request.nextToken ? decodeToken(request.nextToken) : { offset: 0 };
    return { offset: token.offset, limit, ...(token.after ? { after: token.after } : {}), countTotal: false };
  }
  const limit = request.pageSize ?? defaultSize;
  return { offset: ((request.pageNumber ?? 1) - 1) * limit, limit, countTotal: true };
}

/** The API page of a store page fetched with `pageSpec(request)`. */
export function pageFromStore<T>(result: StorePage<T>, spec: PageSpec, request: PageRequest): Page<T> {
  const tokenMode = request.maxResults !== undefined || request.nextToken !== undefined;
  const end = spec.offset + result.items.length;
  return {
    items: result.items,
    pageNumber: tokenMode ? Math.floor(spec.offset / spec.limit) + 1 : (request.pageNumber ?? 1),
    pageSize: spec.limit,
    totalCount: tokenMode ? undefined : result.total,
    nextToken: result.next ? encodeToken(end, result.next) : '',
  };
}

/**
 * One page of `items` (already sorted). MaxResults/NextToken mode when either is given,
 * else PageNumber/PageSize mode (spec §1.10).
 */
export function paginate<T>(items: readonly T[], request: PageRequest, defaultSize = DEFAULT_PAGE_SIZE): Page<T> {
  const tokenMode = request.maxResults !== undefined || request.nextToken !== undefined;
  if (tokenMode) {
    const size = request.maxResults ?? defaultSize;
    const offset = request.nextToken ? decodeToken(request.nextToken).offset : 0;
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
