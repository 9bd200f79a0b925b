/**
 * The client went away before its request was read in full (connection reset or closed mid
 * body). Not a server fault: logged as what it is, never answered or counted as a 500.
 */
export class ClientAbortedError extends Error {
  readonly code = 'ClientAborted';

  constructor(cause: unknown) {
    super('client aborted the request', { cause });
    this.name = 'ClientAbortedError';
  }
}
