/** The one failure every store method may reject with: the backend did not answer (clients see STORE_UNAVAILABLE). */
export class StoreUnavailableError extends Error {
  constructor(message = 'the store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Which backend a store runs on. */
export type StoreKind = 'memory' | 'redis' | 'cluster';
