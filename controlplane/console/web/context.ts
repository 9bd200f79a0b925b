import type { ConsoleApi } from './api-client.js';
import type { Notices } from './notices.js';
import type { RunEventStream } from './run-event-stream.js';

/** What every view gets: the signed API, the live event stream, messages, and navigation. */
export interface ConsoleContext {
  readonly api: ConsoleApi;
  readonly events: RunEventStream;
  readonly notices: Notices;
  /** Instances picked on the Instances page, preselected on the Run and Send file pages. */
  readonly selection: Set<string>;
  navigate(hash: string): void;
}

/** A page: renders into `root`; the returned function (if any) ends its timers and subscriptions. */
export type View = (context: ConsoleContext, root: HTMLElement, argument: string) => (() => void) | void;
