import type { PageRequest } from '../paging.js';
import type { ValidArgs } from '../validate-params.js';

/** The paging parameters of a Describe* call (spec §1.10). */
export function pageRequest(args: ValidArgs): PageRequest {
  return {
    maxResults: args.integer('MaxResults'),
    nextToken: args.string('NextToken'),
    pageNumber: args.integer('PageNumber'),
    pageSize: args.integer('PageSize'),
  };
}
