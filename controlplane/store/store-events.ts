import { channel } from 'node:diagnostics_channel';

/**
 * Each outermost store transaction on `node:diagnostics_channel` (`casim:store:transaction`),
 * with how long it took: the metrics subscribe. A group commit is one transaction, timed from
 * its flush to its COMMIT (its parts, one per agent message, are savepoints and not published).
 * `store` is the publishing Store (one per server).
 */
export const STORE_TRANSACTION_CHANNEL = 'casim:store:transaction';

export interface StoreTransactionEvent {
  store: object;
  durationMs: number;
  ok: boolean;
}

export const storeTransactions = channel(STORE_TRANSACTION_CHANNEL);

export function subscribeStoreTransactions(store: object, listener: (event: StoreTransactionEvent) => void): () => void {
  const handler = (message: unknown): void => {
    const event = message as StoreTransactionEvent;
    if (event.store === store) listener(event);
  };
  storeTransactions.subscribe(handler);
  return () => storeTransactions.unsubscribe(handler);
}
